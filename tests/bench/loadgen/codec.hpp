// Request encoding and reply parsing for the two protocols the load generator speaks: the swarm
// legacy protocol (Put/Get, through common/proto) and Redis RESP (SET/GET).
#pragma once

#include "proto/batch.hpp"
#include "proto/response.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::bench {

enum class Proto { swarm, redis };
enum class Op { set, get };

// What parse found at the front of the input.
struct Reply {
  enum class Kind {
    need_more, // a prefix only: call again with more bytes
    ok,        // set acknowledged, or get answered with the key's value
    miss,      // get answered "no such record"
    error,     // the server refused the request, or sent another value than the key's
    malformed, // not a reply of this protocol: the connection cannot go on
  };
  Kind kind = Kind::need_more;
  std::size_t consumed = 0; // bytes of the reply; 0 for need_more and malformed
};

// Encodes requests for one protocol, channel and value size; parses their replies. The value
// of a key is a function of the key: printable, incompressible (so that no server gains by
// compressing) and checked on every get.
class Codec
{
public:
  Codec(Proto proto, std::string channel, std::size_t value_size);

  // Appends the request for op on key (a 16-hex-digit key on both protocols) to out.
  void encode(Op op, std::uint64_t key, std::string& out);
  // Appends a log node's Put of record n under key: a log has many records per key, so the
  // value is that of n, not of the key (else a batch of one key would compress to nothing).
  void encode_append(std::uint64_t key, std::uint64_t n, std::string& out);
  // Appends a log node's PutBatch of records (key, n) (swarm only).
  void encode_log_batch(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& records,
                        std::string& out);

  // Parses the reply to op on key from the front of in.
  Reply parse(Op op, std::uint64_t key, std::string_view in);

private:
  const std::string& value_of(std::uint64_t key);
  Reply check_value(std::uint64_t key, std::string_view value, std::size_t consumed);
  void encode_redis(Op op, std::uint64_t key, std::string& out);
  Reply parse_swarm(Op op, std::uint64_t key, std::string_view in);
  Reply parse_redis(std::uint64_t key, std::string_view in);

  Proto m_proto;
  std::string m_channel;
  std::string m_value;        // value_of's buffer
  std::string m_redis_head;   // "\r\n$<size>\r\n": between key and value in a RESP SET
  proto::Response m_response; // reused by parse_swarm
  std::unique_ptr<proto::BatchBuilder> m_batch; // reused by encode_log_batch (its LZO memory)
  std::string m_payload;                        // encode_log_batch's compressed batch
  proto::ReadLimits m_limits;
};

} // namespace shoal::bench
