// dht's global options: the nodes and how to talk to them (cli::NodeOptions) and key hashing.
#pragma once

#include "cfg/common.hpp"
#include "cli/node_options.hpp"

#include <CLI/CLI.hpp>

namespace shoal::dht {

// Options that come before (or after) the subcommand.
struct GlobalOptions {
  cfg::CommonOptions common;
  cli::NodeOptions nodes;
  bool hash = false; // --hash: KEY operands are strings hashed with FNV-1a 64
};

// Adds the global options to the top-level app.
void add_global_options(CLI::App& app, GlobalOptions& opts);

} // namespace shoal::dht
