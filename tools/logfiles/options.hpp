// logfiles' global options: the nodes and how to talk to them (cli::NodeOptions).
#pragma once

#include "cfg/common.hpp"
#include "cli/node_options.hpp"

#include <CLI/CLI.hpp>

namespace shoal::logfiles {

// Options that come before (or after) the subcommand.
struct GlobalOptions {
  cfg::CommonOptions common;
  cli::NodeOptions nodes;
};

// Adds the global options to the top-level app.
void add_global_options(CLI::App& app, GlobalOptions& opts);

} // namespace shoal::logfiles
