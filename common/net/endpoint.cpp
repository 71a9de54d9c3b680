// Endpoint parsing and conversion; numeric addresses only, so no resolver can block the loop.
#include "net/endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace shoal::net {

std::string
Endpoint::str() const
{
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

core::Result<Endpoint>
parse_endpoint(std::string_view text)
{
  auto bad = [&](const char* why) {
    return core::make_error(core::Errc::usage,
                            "invalid address '" + std::string(text) + "': " + why);
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return bad("expected HOST:PORT");
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string_view::npos)
    return bad("IPv6 addresses go in brackets");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
    return bad("port must be a number from 0 to 65535");
  Endpoint endpoint{std::string(host), static_cast<std::uint16_t>(value)};
  if (!to_sockaddr(endpoint))
    return bad("host must be a numeric IPv4/IPv6 address or localhost");
  return endpoint;
}

core::Result<sockaddr_storage>
to_sockaddr(const Endpoint& endpoint)
{
  sockaddr_storage storage{};
  std::string host = endpoint.host == "localhost" ? "127.0.0.1" : endpoint.host;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(endpoint.port);
    return storage;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(endpoint.port);
    return storage;
  }
  return core::make_error(core::Errc::usage, "not a numeric address: " + endpoint.host);
}

Endpoint
from_sockaddr(const sockaddr_storage& addr)
{
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    return Endpoint{text, ntohs(v6->sin6_port)};
  }
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&addr);
  inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
  return Endpoint{text, ntohs(v4->sin_port)};
}

} // namespace shoal::net
