// run_client_main: the main() of a node client (dht, queue): the top-level App, the global
// options, --check-config, the subcommand that was given (run in a fresh Context) and the exit
// status. Each tool only adds its options and subcommands.
#pragma once

#include "cfg/common.hpp"
#include "cfg/options.hpp"
#include "cli/node_options.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace shoal::cli {

// A subcommand and what running it means.
template <class Context> struct Subcommand {
  CLI::App* app;
  std::function<int(Context&)> run;
};
template <class Context> using Subcommands = std::vector<Subcommand<Context>>;

// Parses the command line and, with --check-config, checks the node options; returns the exit
// status when that is all there is to do, or -1 when a subcommand should run.
int parse_client_args(CLI::App& app,
                      int argc,
                      char** argv,
                      const char* program,
                      cfg::CommonOptions& common,
                      const NodeOptions& nodes);

// Reports that no subcommand was given; returns the exit status.
int missing_subcommand(const char* program);

// Options has members common (cfg::CommonOptions) and nodes (NodeOptions); Context is built
// from the Options. add puts the global options and the subcommands on the App.
template <class Context, class Options>
int
run_client_main(int argc,
                char** argv,
                const char* program,
                const std::string& description,
                const std::function<void(CLI::App&, Options&, Subcommands<Context>&)>& add)
{
  return cfg::guard_main(program, [&] {
    CLI::App app(description, program);
    app.fallthrough(); // global options may follow the subcommand
    app.require_subcommand(0, 1);
    Options opts;
    Subcommands<Context> commands;
    add(app, opts, commands);
    if (int status = parse_client_args(app, argc, argv, program, opts.common, opts.nodes);
        status >= 0)
      return status;
    for (const auto& command : commands)
      if (command.app->parsed()) {
        Context ctx(opts);
        return command.run(ctx);
      }
    return missing_subcommand(program);
  });
}

} // namespace shoal::cli
