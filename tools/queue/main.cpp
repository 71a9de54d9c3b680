// queue: the command-line client of a set of queue nodes (push, pop, consume, produce, ...).
// main only wires the options and the subcommands (cli::run_client_main does the rest).
#include "context.hpp"
#include "options.hpp"

int
main(int argc, char** argv)
{
  using namespace shoal;
  return cli::run_client_main<queue::Context, queue::GlobalOptions>(
      argc, argv, "queue", "queue: client of shoal/swarm queue nodes (see queue(1))",
      [](CLI::App& app, queue::GlobalOptions& opts, queue::Subcommands& commands) {
        queue::add_global_options(app, opts);
        queue::add_record_commands(app, commands);
        queue::add_consume_commands(app, commands);
        queue::add_produce_command(app, commands);
        queue::add_admin_commands(app, commands);
      });
}
