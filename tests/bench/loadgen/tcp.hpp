// Opening the load generator's connections.
#pragma once

#include <cstdint>
#include <string>

namespace shoal::bench {

// Connects to host:port (IPv4; a blocking connect, immediate on loopback), then makes the
// socket non-blocking with Nagle off. Returns the descriptor, or -1 with error set.
int connect_tcp(const std::string& host, std::uint16_t port, std::string& error);

} // namespace shoal::bench
