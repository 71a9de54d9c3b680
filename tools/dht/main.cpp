// dht: the command-line client of a whole DHT (put, get, get-all, listen, import, ...).
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
  return cfg::guard_main("dht", [&] {
    CLI::App app("dht: client of a shoal/swarm DHT (see dht(1))", "dht");
    app.fallthrough(); // global options may follow the subcommand
    app.require_subcommand(0, 1);
    dht::GlobalOptions opts;
    dht::add_global_options(app, opts);
    dht::Subcommands commands;
    dht::add_record_commands(app, commands);
    dht::add_stream_commands(app, commands);
    dht::add_import_command(app, commands);
    dht::add_admin_commands(app, commands);
    if (int status = cfg::parse(app, argc, argv, opts.common); status >= 0)
      return status;
    net::ignore_sigpipe(); // a closed socket or pipe is an error to report, not a death
    if (opts.common.check_config) {
      auto nodes = cli::node_list(opts.nodes);
      auto settings = nodes ? cli::client_options(opts.nodes) : nodes.take_error();
      return settings ? 0 : cfg::report("dht", settings.error());
    }
    for (const auto& command : commands)
      if (command.app->parsed()) {
        dht::Context ctx(opts);
        return command.run(ctx);
      }
    std::fprintf(stderr, "dht: error: a subcommand is required\nrun 'dht --help' for the list\n");
    return EX_USAGE;
  });
}
