// How every shoal node starts serving: its TcpServer built from its ServeOptions, bound, and
// announced as design.md says: one line `listening HOST:PORT` on standard output, for scripts
// and tests that asked for port 0, and READY=1 for systemd.
#pragma once

#include "server/serve_options.hpp"

#include "net/loop.hpp"
#include "net/tcp_server.hpp"

#include <cstddef>
#include <memory>
#include <string_view>

namespace shoal::server {

struct Listening {
  std::unique_ptr<net::TcpServer> server;
  net::Endpoint bound; // with the port the system chose for port 0
};

// Serves opts.endpoint with opts' connection limit and backlog; a connection may buffer
// max_request bytes of unparsed input (the node's largest request; at least the default
// bound). Then prints the listening line, logs "serving WHAT on HOST:PORT" and tells systemd
// READY=1 with the same status.
core::Result<Listening> listen_and_announce(net::Loop& loop,
                                            const ServeOptions& opts,
                                            net::TcpServer::Factory factory,
                                            std::size_t max_request,
                                            std::string_view what);

} // namespace shoal::server
