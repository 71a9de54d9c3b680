// queue: the command-line client of a set of queue nodes (push, pop, consume, produce, ...).
// main only wires the options, the subcommands and the exit status together.
#include "context.hpp"
#include "options.hpp"

#include "cfg/options.hpp"
#include "net/loop.hpp"

#include <sysexits.h>

#include <cstdio>

int
main(int argc, char** argv)
{
  using namespace shoal;
  return cfg::guard_main("queue", [&] {
    CLI::App app("queue: client of shoal/swarm queue nodes (see queue(1))", "queue");
    app.fallthrough(); // global options may follow the subcommand
    app.require_subcommand(0, 1);
    queue::GlobalOptions opts;
    queue::add_global_options(app, opts);
    queue::Subcommands commands;
    queue::add_record_commands(app, commands);
    queue::add_consume_commands(app, commands);
    queue::add_produce_command(app, commands);
    queue::add_admin_commands(app, commands);
    if (int status = cfg::parse(app, argc, argv, opts.common); status >= 0)
      return status;
    net::ignore_sigpipe(); // a closed socket or pipe is an error to report, not a death
    if (opts.common.check_config) {
      auto nodes = cli::node_list(opts.nodes);
      auto settings = nodes ? cli::client_options(opts.nodes) : nodes.take_error();
      return settings ? 0 : cfg::report("queue", settings.error());
    }
    for (const auto& command : commands)
      if (command.app->parsed()) {
        queue::Context ctx(opts);
        return command.run(ctx);
      }
    std::fprintf(stderr,
                 "queue: error: a subcommand is required\nrun 'queue --help' for the list\n");
    return EX_USAGE;
  });
}
