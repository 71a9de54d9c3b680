// AMQP URLs (amqp://user:password@host:port/vhost, amqps:// for TLS) and the credentials file
// that keeps a password out of argv. Checked parsing with messages that never echo a password.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::odsrpcsync {

struct AmqpUrl {
  bool tls = false;
  std::string user = "guest"; // RabbitMQ's default account, as librabbitmq and pika assume
  std::string password = "guest";
  std::string host;
  std::uint16_t port = 5672; // 5671 for amqps
  std::string vhost = "/";
};

// Parses "amqp[s]://[user[:password]@]host[:port][/vhost]" (host may be [IPv6]; user, password
// and vhost percent-decoded). An empty path means vhost "/", as pika reads it, so that
// "amqp://guest:guest@127.0.0.1:5672/" names the default vhost. Errc::config on anything else
// (other schemes, query strings, bad ports or escapes).
core::Result<AmqpUrl> parse_amqp_url(std::string_view text);

// "amqp://host:port/vhost" without credentials; parse_amqp_url reads it back to the same place.
std::string describe_amqp_url(const AmqpUrl& url);

struct AmqpCredentials {
  std::string user;
  std::string password;
};

// Longest credentials file read (one short line is expected).
inline constexpr std::size_t max_credentials_file = 4096;

// Parses one line "user:password" (a final newline allowed; the password may hold ':').
core::Result<AmqpCredentials> parse_amqp_credentials(std::string_view text);

// Reads and parses a credentials file; Errc::config naming the file.
core::Result<AmqpCredentials> read_amqp_credentials(const std::string& path);

} // namespace shoal::odsrpcsync
