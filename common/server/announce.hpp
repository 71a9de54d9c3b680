// The start-up announcement every shoal daemon makes once it listens (design.md): one line
// `listening HOST:PORT` on standard output, for scripts and tests that asked for port 0, and
// READY=1 for systemd.
#pragma once

#include "net/endpoint.hpp"

#include <string_view>

namespace shoal::server {

// Prints the listening line, logs "serving what on HOST:PORT" and tells systemd READY=1 with
// the same status.
void announce_listening(const net::Endpoint& bound, std::string_view what);

} // namespace shoal::server
