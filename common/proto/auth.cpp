// The legacy-port authentication exchange, both sides.
#include "proto/auth.hpp"

#include "proto/wire.hpp"

#include <cstring>

namespace shoal::proto {

AuthServer::AuthServer(const crypto::Credentials& credentials, std::uint64_t now)
    : m_credentials(credentials), m_now(now)
{
}

AuthServer::Step
AuthServer::refuse(std::string reason, std::string& out)
{
  m_reason = std::move(reason);
  out += '\0';
  return Step::refused;
}

AuthServer::Step
AuthServer::feed(std::string_view input, std::size_t& consumed, std::string& out)
{
  consumed = 0;
  WireReader reader(input);
  if (!m_have_timestamp) {
    if (!reader.u64(m_timestamp))
      return Step::need_more;
    m_have_timestamp = true;
    consumed = reader.consumed();
    m_nonce = crypto::make_nonce();
    out.append(reinterpret_cast<const char*>(m_nonce.data()), m_nonce.size());
    input.remove_prefix(consumed);
    reader = WireReader(input);
  }
  std::string_view name;
  switch (reader.array(name, crypto::max_name)) {
  case ArrayStatus::need_more: return Step::need_more;
  case ArrayStatus::too_long: return refuse("client name longer than 100 bytes", out);
  case ArrayStatus::ok: break;
  }
  if (reader.remaining() < crypto::code_bytes)
    return Step::need_more;
  crypto::Code code{};
  std::memcpy(code.data(), input.data() + reader.consumed(), code.size());
  consumed += reader.consumed() + code.size();
  m_name.assign(name);
  auto key = m_credentials.find(m_name);
  if (key == m_credentials.end())
    return refuse("unknown client name '" + m_name + "'", out);
  std::uint64_t skew = m_now > m_timestamp ? m_now - m_timestamp : m_timestamp - m_now;
  if (skew > max_clock_skew)
    return refuse("client clock is " + std::to_string(skew) + " s away from ours", out);
  if (!crypto::codes_equal(code, crypto::auth_code(key->second, m_timestamp, m_nonce)))
    return refuse("wrong authentication code for '" + m_name + "'", out);
  out += '\1';
  return Step::accepted;
}

void
encode_auth_hello(std::uint64_t timestamp, std::string& out)
{
  WireWriter(out).u64(timestamp);
}

ReadResult
read_auth_nonce(std::string_view input, crypto::Nonce& nonce)
{
  if (input.size() < nonce.size())
    return {};
  std::memcpy(nonce.data(), input.data(), nonce.size());
  return {ReadStatus::complete, nonce.size()};
}

void
encode_auth_proof(std::string_view name,
                  const crypto::Key& key,
                  std::uint64_t timestamp,
                  const crypto::Nonce& nonce,
                  std::string& out)
{
  WireWriter(out).array(name);
  auto code = crypto::auth_code(key, timestamp, nonce);
  out.append(reinterpret_cast<const char*>(code.data()), code.size());
}

ReadResult
read_auth_result(std::string_view input, bool& accepted)
{
  if (input.empty())
    return {};
  if (input[0] != '\0' && input[0] != '\1')
    return {ReadStatus::malformed, 0};
  accepted = input[0] == '\1';
  return {ReadStatus::complete, 1};
}

} // namespace shoal::proto
