// Request encoding and reply parsing for the two protocols the load generator speaks: the swarm
// legacy protocol (Put/Get, through common/proto) and Redis RESP (SET/GET).
#pragma once

#include "proto/response.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::bench {

enum class Proto { swarm, redis };
enum class Op { set, get };

// What parse found at the front of the input.
struct Reply {
  enum class Kind {
    need_more, // a prefix only: call again with more bytes
    ok,        // set acknowledged, or get answered with a value of the expected size
    miss,      // get answered "no such record"
    error,     // the server refused the request, or the value has the wrong size
    malformed, // not a reply of this protocol: the connection cannot go on
  };
  Kind kind = Kind::need_more;
  std::size_t consumed = 0; // bytes of the reply; 0 for need_more and malformed
};

// Encodes requests for one protocol, channel and value size; parses their replies.
class Codec
{
public:
  Codec(Proto proto, std::string channel, std::size_t value_size);

  // Appends the request for op on key (a 16-hex-digit key on both protocols) to out.
  void encode(Op op, std::uint64_t key, std::string& out) const;

  // Parses the reply to op from the front of in.
  Reply parse(Op op, std::string_view in);

private:
  void encode_redis(Op op, const char* key, std::string& out) const;
  Reply parse_swarm(Op op, std::string_view in);
  Reply parse_redis(std::string_view in) const;

  Proto m_proto;
  std::string m_channel;
  std::size_t m_value_size;
  std::string m_value;        // the value every set writes
  std::string m_redis_value;  // "\r\n$<size>\r\n<value>\r\n": the tail of a RESP SET
  proto::Response m_response; // reused by parse_swarm
  proto::ReadLimits m_limits;
};

} // namespace shoal::bench
