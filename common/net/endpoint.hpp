// Endpoints: "HOST:PORT" text (IPv4, [IPv6] or localhost) to and from socket addresses.
#pragma once

#include "core/result.hpp"

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::net {

// A numeric host (or "localhost") and a port; port 0 asks the kernel to pick one when listening.
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;

  // "host:port", with brackets around IPv6 hosts.
  std::string str() const;
  bool operator==(const Endpoint&) const = default;
};

// Parses "HOST:PORT" or "[V6]:PORT"; the host must be numeric or "localhost".
core::Result<Endpoint> parse_endpoint(std::string_view text);

// Converts an endpoint to a socket address (localhost means 127.0.0.1).
core::Result<sockaddr_storage> to_sockaddr(const Endpoint& endpoint);

// Converts a socket address back to an endpoint.
Endpoint from_sockaddr(const sockaddr_storage& addr);

} // namespace shoal::net
