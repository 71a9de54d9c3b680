// Request checks: channel names, keys, the hash range and value sizes.
#include "checks.hpp"

#include "dump_files.hpp"
#include "node.hpp"
#include "session.hpp"

#include "core/hex.hpp"

namespace shoal::dhtnode {

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

proto::StatusCode
check_range(Session& session, std::uint64_t key)
{
  return session.node().range().responsible_for(key) ? proto::StatusCode::ok
                                                     : proto::StatusCode::wrong_node;
}

proto::StatusCode
check_value(Session& session, std::string_view value)
{
  if (value.size() > record_size_limit(session.node().options().batch_size))
    return proto::StatusCode::value_too_big;
  if (value.empty())
    return proto::StatusCode::empty_value;
  return proto::StatusCode::ok;
}

} // namespace shoal::dhtnode
