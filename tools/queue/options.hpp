// queue's global options: the common ones and the nodes with how to talk to them.
#pragma once

#include "cfg/options.hpp"
#include "cli/node_options.hpp"

#include <CLI/CLI.hpp>

namespace shoal::queue {

// Options that come before (or after) the subcommand.
struct GlobalOptions {
  cfg::CommonOptions common;
  cli::NodeOptions nodes;
};

// Adds the global options to the top-level app.
void add_global_options(CLI::App& app, GlobalOptions& opts);

} // namespace shoal::queue
