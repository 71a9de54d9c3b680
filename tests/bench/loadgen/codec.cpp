// Swarm requests go through the shared codec (common/proto); RESP is small enough to write here.
#include "codec.hpp"

#include "core/hex.hpp"
#include "proto/request.hpp"

#include <charconv>

namespace shoal::bench {

namespace {

constexpr std::size_t max_redis_line = 1024; // longer without CRLF: not a reply to SET/GET

std::string
make_value(std::size_t size)
{
  std::string value(size, 'v');
  for (std::size_t i = 0; i < size; ++i)
    value[i] = static_cast<char>('a' + i % 26);
  return value;
}

} // namespace

Codec::Codec(Proto proto, std::string channel, std::size_t value_size)
    : m_proto(proto), m_channel(std::move(channel)), m_value_size(value_size),
      m_value(make_value(value_size)),
      m_redis_value("\r\n$" + std::to_string(value_size) + "\r\n" + m_value + "\r\n")
{
}

void
Codec::encode(Op op, std::uint64_t key, std::string& out) const
{
  if (m_proto == Proto::swarm) {
    if (op == Op::set)
      proto::encode_put(m_channel, key, m_value, out);
    else
      proto::encode_keyed(proto::Command::get, m_channel, key, out);
    return;
  }
  char hex[core::key_hex_digits];
  core::format_key(key, hex);
  encode_redis(op, hex, out);
}

void
Codec::encode_redis(Op op, const char* key, std::string& out) const
{
  out += op == Op::set ? "*3\r\n$3\r\nSET\r\n$16\r\n" : "*2\r\n$3\r\nGET\r\n$16\r\n";
  out.append(key, core::key_hex_digits);
  if (op == Op::set)
    out += m_redis_value;
  else
    out += "\r\n";
}

Reply
Codec::parse(Op op, std::string_view in)
{
  return m_proto == Proto::swarm ? parse_swarm(op, in) : parse_redis(in);
}

Reply
Codec::parse_swarm(Op op, std::string_view in)
{
  auto command = op == Op::set ? proto::Command::put : proto::Command::get;
  proto::ReadResult r = proto::read_response(command, in, m_limits, m_response);
  if (r.status != proto::ReadStatus::complete)
    return {r.status == proto::ReadStatus::need_more ? Reply::Kind::need_more
                                                     : Reply::Kind::malformed};
  if (m_response.status != proto::StatusCode::ok)
    return {Reply::Kind::error, r.consumed};
  if (op == Op::set)
    return {Reply::Kind::ok, r.consumed};
  if (m_response.value.empty())
    return {Reply::Kind::miss, r.consumed};
  bool good = m_response.value.size() == m_value_size;
  return {good ? Reply::Kind::ok : Reply::Kind::error, r.consumed};
}

// RESP replies to SET and GET: +OK, -ERR ..., $-1 (nil) or $<n> followed by n bytes.
Reply
Codec::parse_redis(std::string_view in) const
{
  std::size_t eol = in.find("\r\n");
  if (eol == std::string_view::npos)
    return {in.size() > max_redis_line ? Reply::Kind::malformed : Reply::Kind::need_more};
  std::size_t line_end = eol + 2;
  switch (in[0]) {
  case '+': return {Reply::Kind::ok, line_end};
  case '-': return {Reply::Kind::error, line_end};
  case '$': break;
  default: return {Reply::Kind::malformed};
  }
  long long len = 0;
  auto [end, ec] = std::from_chars(in.data() + 1, in.data() + eol, len);
  if (ec != std::errc{} || end != in.data() + eol || len < -1)
    return {Reply::Kind::malformed};
  if (len == -1)
    return {Reply::Kind::miss, line_end};
  std::size_t total = line_end + static_cast<std::size_t>(len) + 2;
  if (in.size() < total)
    return {Reply::Kind::need_more};
  bool good = static_cast<std::size_t>(len) == m_value_size;
  return {good ? Reply::Kind::ok : Reply::Kind::error, total};
}

} // namespace shoal::bench
