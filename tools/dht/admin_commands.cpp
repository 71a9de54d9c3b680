// dht channels, size, remove-channel, ranges, version and stats: questions for every node,
// shared with logfiles (cli/range_admin.hpp).
#include "context.hpp"

#include "cli/range_admin.hpp"

namespace shoal::dht {

void
add_admin_commands(CLI::App& app, Subcommands& list)
{
  cli::add_range_admin_commands(app, list, "print each node's hash range and API version");
}

} // namespace shoal::dht
