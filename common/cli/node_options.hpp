// The options by which a command-line client names its nodes and talks to them (--node,
// --nodes, --timeout, --credentials-*), and turning them into the client library's settings.
#pragma once

#include "client/node_options.hpp"
#include "core/result.hpp"
#include "net/endpoint.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::cli {

// Options shared by the clients of a set of nodes (dht, queue).
struct NodeOptions {
  std::vector<std::string> nodes; // --node HOST:PORT, repeatable
  std::string nodes_file;         // --nodes FILE
  std::uint64_t timeout_ms = 30'000;
  std::string credentials_name;
  std::string credentials_key_file;
};

// Adds the options to app; system names the set of nodes in the help ("DHT", "queue").
void add_node_options(CLI::App& app, NodeOptions& opts, std::string_view system);

// The node list: --node operands then the nodes file, duplicates dropped; an empty list is an
// Errc::usage error.
core::Result<std::vector<net::Endpoint>> node_list(const NodeOptions& opts);

// The client settings: timeouts and, when given, the authentication identity (the key file
// holds 256 hex digits, or name:key lines as in a node's credentials file).
core::Result<client::NodeClientOptions> client_options(const NodeOptions& opts);

// What a client is built from, and what --check-config checks.
struct ClientSettings {
  std::vector<net::Endpoint> nodes;
  client::NodeClientOptions options;
};

// The node list, then the client settings (the first error of the two).
core::Result<ClientSettings> client_settings(const NodeOptions& opts);

} // namespace shoal::cli
