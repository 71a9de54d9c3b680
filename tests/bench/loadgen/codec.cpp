// Swarm requests go through the shared codec (common/proto); RESP is small enough to write here.
#include "codec.hpp"

#include "core/hex.hpp"
#include "proto/batch.hpp"
#include "proto/request.hpp"

#include <charconv>

namespace shoal::bench {

namespace {

constexpr std::size_t max_redis_line = 1024; // longer without CRLF: not a reply to SET/GET

// splitmix64: a good 64-bit mix, so that neighbouring keys get unrelated values.
std::uint64_t
splitmix(std::uint64_t& state)
{
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

} // namespace

Codec::Codec(Proto proto, std::string channel, std::size_t value_size)
    : m_proto(proto), m_channel(std::move(channel)), m_value(value_size, '\0'),
      m_redis_head("\r\n$" + std::to_string(value_size) + "\r\n")
{
}

// 64 symbols, 6 random bits each: 10 characters per 64-bit draw.
const std::string&
Codec::value_of(std::uint64_t key)
{
  static constexpr char symbols[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::uint64_t state = key;
  for (std::size_t i = 0; i < m_value.size(); i += 10) {
    std::uint64_t bits = splitmix(state);
    for (std::size_t j = i; j < i + 10 && j < m_value.size(); ++j, bits >>= 6)
      m_value[j] = symbols[bits & 63];
  }
  return m_value;
}

void
Codec::encode(Op op, std::uint64_t key, std::string& out)
{
  if (m_proto == Proto::redis)
    encode_redis(op, key, out);
  else if (op == Op::set)
    proto::encode_put(m_channel, key, value_of(key), out);
  else
    proto::encode_keyed(proto::Command::get, m_channel, key, out);
}

// The seed of record n's value: apart from every key's (keys are timestamps, n counts up).
constexpr std::uint64_t record_seed = 0x5bd1e9955bd1e995ULL;

void
Codec::encode_append(std::uint64_t key, std::uint64_t n, std::string& out)
{
  proto::encode_put(m_channel, key, value_of(n ^ record_seed), out);
}

void
Codec::encode_log_batch(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& records,
                        std::string& out)
{
  std::size_t size = records.size() * proto::BatchBuilder::record_size(m_value.size());
  if (!m_batch || m_batch->batch_size() != size)
    m_batch = std::make_unique<proto::BatchBuilder>(size);
  for (auto [key, n] : records)
    m_batch->add(key, value_of(n ^ record_seed));
  m_payload.clear();
  m_batch->finish(m_payload);
  proto::Request r;
  r.command = proto::Command::log_put_batch;
  r.channel = m_channel;
  r.value = m_payload;
  proto::encode_request(r, out);
}

void
Codec::encode_redis(Op op, std::uint64_t key, std::string& out)
{
  char hex[core::key_hex_digits];
  core::format_key(key, hex);
  out += op == Op::set ? "*3\r\n$3\r\nSET\r\n$16\r\n" : "*2\r\n$3\r\nGET\r\n$16\r\n";
  out.append(hex, core::key_hex_digits);
  if (op == Op::get) {
    out += "\r\n";
    return;
  }
  out += m_redis_head;
  out += value_of(key);
  out += "\r\n";
}

Reply
Codec::parse(Op op, std::uint64_t key, std::string_view in)
{
  return m_proto == Proto::swarm ? parse_swarm(op, key, in) : parse_redis(key, in);
}

Reply
Codec::check_value(std::uint64_t key, std::string_view value, std::size_t consumed)
{
  if (value.empty())
    return {Reply::Kind::miss, consumed};
  return {value == value_of(key) ? Reply::Kind::ok : Reply::Kind::error, consumed};
}

Reply
Codec::parse_swarm(Op op, std::uint64_t key, std::string_view in)
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
  return check_value(key, m_response.value, r.consumed); // an empty value: no record
}

// RESP replies to SET and GET: +OK, -ERR ..., $-1 (nil) or $<n> followed by n bytes.
Reply
Codec::parse_redis(std::uint64_t key, std::string_view in)
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
  if (len == 0) // an empty string is a value, just not ours
    return {Reply::Kind::error, total};
  return check_value(key, in.substr(line_end, static_cast<std::size_t>(len)), total);
}

} // namespace shoal::bench
