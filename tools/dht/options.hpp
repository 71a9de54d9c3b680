// dht's global options (the nodes, timeouts, credentials, key hashing) and turning them into
// the client library's settings.
#pragma once

#include "cfg/common.hpp"
#include "client/node_options.hpp"
#include "core/result.hpp"
#include "net/endpoint.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace shoal::dht {

// Options that come before (or after) the subcommand.
struct GlobalOptions {
  cfg::CommonOptions common;
  std::vector<std::string> nodes; // --node HOST:PORT, repeatable
  std::string nodes_file;         // --nodes FILE
  std::uint64_t timeout_ms = 30'000;
  std::string credentials_name;
  std::string credentials_key_file;
  bool hash = false; // --hash: KEY operands are strings hashed with FNV-1a 64
};

// Adds the global options to the top-level app.
void add_global_options(CLI::App& app, GlobalOptions& opts);

// The node list: --node operands then the nodes file, duplicates dropped; an empty list is an
// Errc::usage error.
core::Result<std::vector<net::Endpoint>> node_list(const GlobalOptions& opts);

// The client settings: timeouts and, when given, the authentication identity (the key file
// holds 256 hex digits, or name:key lines as in a node's credentials file).
core::Result<client::NodeClientOptions> client_options(const GlobalOptions& opts);

} // namespace shoal::dht
