// dht: the command-line client of a whole DHT (put, get, get-all, listen, import, ...).
// main only wires the options and the subcommands (cli::run_client_main does the rest).
#include "context.hpp"
#include "options.hpp"

int
main(int argc, char** argv)
{
  using namespace shoal;
  return cli::run_client_main<dht::Context, dht::GlobalOptions>(
      argc, argv, "dht", "dht: client of a shoal/swarm DHT (see dht(1))",
      [](CLI::App& app, dht::GlobalOptions& opts, dht::Subcommands& commands) {
        dht::add_global_options(app, opts);
        dht::add_record_commands(app, commands);
        dht::add_stream_commands(app, commands);
        dht::add_import_command(app, commands);
        dht::add_admin_commands(app, commands);
      });
}
