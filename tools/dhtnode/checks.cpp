// Request checks: the hash range and value sizes.
#include "checks.hpp"

#include "dump_files.hpp"
#include "node.hpp"
#include "session.hpp"

#include "core/hex.hpp"

namespace shoal::dhtnode {

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
