// listen_and_announce: the server, the listening line, the log line and READY=1.
#include "server/listen.hpp"

#include "core/log.hpp"
#include "core/sd_notify.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace shoal::server {

core::Result<Listening>
listen_and_announce(net::Loop& loop,
                    const ServeOptions& opts,
                    net::TcpServer::Factory factory,
                    std::size_t max_request,
                    std::string_view what)
{
  net::ConnectionLimits limits;
  limits.max_input = std::max(limits.max_input, max_request);
  Listening l{std::make_unique<net::TcpServer>(loop, std::move(factory), limits), {}};
  l.server->set_connection_limit(opts.connection_limit);
  auto bound = l.server->listen(opts.endpoint, opts.backlog);
  if (!bound)
    return bound.take_error();
  l.bound = *bound;
  std::printf("listening %s\n", l.bound.str().c_str());
  std::fflush(stdout); // a pipe to a script: the line must not wait in the buffer
  std::string status = "serving " + std::string(what) + " on " + l.bound.str();
  core::log_info("{}", status);
  core::sd_notify("READY=1\nSTATUS=" + status);
  return l;
}

} // namespace shoal::server
