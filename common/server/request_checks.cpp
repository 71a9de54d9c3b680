// Request checks: channel names and keys.
#include "server/request_checks.hpp"

#include "core/hex.hpp"

namespace shoal::server {

proto::StatusCode
check_channel(std::string_view channel)
{
  return proto::valid_channel_name(channel) ? proto::StatusCode::ok
                                            : proto::StatusCode::bad_channel_name;
}

proto::StatusCode
check_key(std::string_view key, std::uint64_t& out)
{
  auto parsed = core::parse_key(key);
  if (!parsed)
    return proto::StatusCode::invalid_request;
  out = *parsed;
  return proto::StatusCode::ok;
}

proto::StatusCode
check_channel_key(std::string_view channel, std::string_view key, std::uint64_t& out)
{
  auto status = check_channel(channel);
  return status == proto::StatusCode::ok ? check_key(key, out) : status;
}

} // namespace shoal::server
