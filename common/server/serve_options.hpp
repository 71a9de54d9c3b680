// The options every swarm node's command line has: where it listens, who may connect, and its
// stats log. Each node's Options derive from ServeOptions; without the option parser, so that
// only the files that build an option table pay for compiling CLI11.
#pragma once

#include "crypto/credentials.hpp"

#include "core/result.hpp"
#include "net/endpoint.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace shoal::server {

struct ServeOptions {
  std::string listen;                                // HOST:PORT; port 0 picks a free port
  net::Endpoint endpoint;                            // parsed listen
  std::string credentials;                           // name:key file; set = authentication required
  std::optional<crypto::Credentials> credential_map; // loaded from credentials
  std::size_t connection_limit = 5000;
  int backlog = 2048;
  std::string stats_log = "-"; // "-" = stderr, "" = none
  std::uint64_t stats_period_ms = 30'000;
};

// --listen (required), first of a node's own options.
void add_listen_option(CLI::App& app, ServeOptions& opts);
// --credentials, --connection-limit, --backlog, --stats-log, --stats-period.
void add_serve_options(CLI::App& app, ServeOptions& opts);
// Parses the listen address and loads the credentials file; Errc::config for what is invalid.
core::Status finish_serve_options(ServeOptions& opts);

} // namespace shoal::server
