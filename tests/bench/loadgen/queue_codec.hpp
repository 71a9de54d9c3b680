// Requests and replies of the queue workload in three protocols: the swarm queue protocol
// (Push/Pop or a Consume stream, through common/proto), Redis RESP (LPUSH/RPOP) and
// beanstalkd's text protocol (put, reserve-with-timeout 0, delete).
#pragma once

#include "proto/response.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::bench {

enum class QueueProto { swarm, redis, beanstalk };

// The requests a queue connection sends. Only beanstalkd needs del: a reserved job stays on
// the server until deleted; only swarm has consume, one request answered by a stream.
enum class QueueOp { push, pop, del, consume };

// What a parse found at the front of the input.
struct QueueReply {
  enum class Kind {
    need_more, // a prefix only: call again with more bytes
    ok,        // push/del/consume acknowledged, or a record popped or streamed (in value)
    empty,     // pop found the queue empty; a stream ended (the channel was removed)
    error,     // the server refused the request
    malformed, // not a reply of this protocol: the connection cannot go on
  };
  Kind kind = Kind::need_more;
  std::size_t consumed = 0; // bytes of the reply; 0 for need_more and malformed
  std::string_view value;   // pop ok: the record (points into the input)
  std::uint64_t job = 0;    // beanstalkd pop ok: the job id, to delete
};

class QueueCodec
{
public:
  QueueCodec(QueueProto proto, std::string channel);

  void encode_push(std::string_view record, std::string& out);
  void encode_pop(std::string& out);
  void encode_delete(std::uint64_t job, std::string& out); // beanstalkd only
  void encode_consume(std::string& out);                   // swarm only

  // Parses the reply to op from the front of in.
  QueueReply parse(QueueOp op, std::string_view in);

  // Parses one record of a Consume stream (after its Ok) from the front of in.
  QueueReply parse_streamed(std::string_view in);

private:
  QueueReply parse_swarm(QueueOp op, std::string_view in);
  QueueReply parse_redis(QueueOp op, std::string_view in);
  QueueReply parse_beanstalk(QueueOp op, std::string_view in);

  QueueProto m_proto;
  std::string m_channel;
  std::string m_push_head;    // RESP and beanstalkd: a push's bytes before the value's length
  std::string m_pop;          // every pop is the same request
  proto::Response m_response; // reused by parse_swarm
  proto::ReadLimits m_limits;
};

} // namespace shoal::bench
