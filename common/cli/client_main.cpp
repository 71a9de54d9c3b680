// The parts of a node client's main() that do not depend on its Context.
#include "cli/client_main.hpp"

#include "net/loop.hpp"

#include <sysexits.h>

#include <cstdio>

namespace shoal::cli {

int
parse_client_args(CLI::App& app,
                  int argc,
                  char** argv,
                  const char* program,
                  cfg::CommonOptions& common,
                  const NodeOptions& nodes)
{
  if (int status = cfg::parse(app, argc, argv, common); status >= 0)
    return status;
  net::ignore_sigpipe(); // a closed socket or pipe is an error to report, not a death
  if (!common.check_config)
    return -1;
  auto settings = client_settings(nodes);
  return settings ? 0 : cfg::report(program, settings.error());
}

int
missing_subcommand(const char* program)
{
  std::fprintf(stderr, "%s: error: a subcommand is required\nrun '%s --help' for the list\n",
               program, program);
  return EX_USAGE;
}

} // namespace shoal::cli
