// check_name: names as the nodes accept them (proto::valid_channel_name).
#include "cli/check_name.hpp"

#include "proto/codes.hpp"

#include <string>

namespace shoal::cli {

core::Status
check_name(std::string_view what, std::string_view name)
{
  if (proto::valid_channel_name(name))
    return {};
  return core::make_error(core::Errc::usage, "bad " + std::string(what) + " name '" +
                                                 std::string(name) + "': use 1-" +
                                                 std::to_string(proto::max_channel_name) +
                                                 " letters, digits, '_' and '-'");
}

} // namespace shoal::cli
