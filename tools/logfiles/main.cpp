// logfiles: the command-line client of a whole log store (put, get-range, get-all, channels,
// ...). main only wires the options and the subcommands (cli::run_client_main does the rest).
#include "context.hpp"
#include "options.hpp"

int
main(int argc, char** argv)
{
  using namespace shoal;
  return cli::run_client_main<logfiles::Context, logfiles::GlobalOptions>(
      argc, argv, "logfiles", "logfiles: client of a shoal/swarm log store (see logfiles(1))",
      [](CLI::App& app, logfiles::GlobalOptions& opts, logfiles::Subcommands& commands) {
        logfiles::add_global_options(app, opts);
        logfiles::add_put_command(app, commands);
        logfiles::add_read_commands(app, commands);
        logfiles::add_admin_commands(app, commands);
      });
}
