// Checks of the RabbitMQ transport's options, and the names of the queues it declares.
#include "amqp_options.hpp"

#include "amqp_url.hpp"
#include "update.hpp"

#include "core/hex.hpp"

#include <unistd.h>

namespace shoal::odsrpcsync {

namespace {

core::Error
bad(std::string what)
{
  return core::make_error(core::Errc::config, "AMQP: " + std::move(what));
}

core::Status
check_readable(const std::string& path, std::string_view what)
{
  if (::access(path.c_str(), R_OK) != 0)
    return bad(std::string(what) + " " + path + " is not readable");
  return {};
}

core::Status
check_tls(const AmqpOptions& o, const AmqpUrl& url)
{
  bool any = !o.tls_cacert.empty() || !o.tls_cert.empty() || !o.tls_key.empty();
  if (any && !url.tls)
    return bad("TLS files need an amqps:// URL");
  if (o.tls_cert.empty() != o.tls_key.empty())
    return bad("a client certificate needs its key, and a key its certificate");
  if (!o.tls_cacert.empty())
    SHOAL_TRY(check_readable(o.tls_cacert, "the CA file"));
  if (!o.tls_cert.empty()) {
    SHOAL_TRY(check_readable(o.tls_cert, "the client certificate"));
    SHOAL_TRY(check_readable(o.tls_key, "the client key"));
  }
  return {};
}

core::Status
check_limits(const AmqpOptions& o)
{
  if (o.heartbeat_s > 3600)
    return bad("heartbeat " + std::to_string(o.heartbeat_s) + " s: at most 3600 (0 = off)");
  if (o.prefetch < 1 || o.prefetch > 65535)
    return bad("prefetch " + std::to_string(o.prefetch) + ": 1 to 65535");
  if (o.buffer_limit < 1 || o.buffer_limit > 10'000'000)
    return bad("outgoing buffer of " + std::to_string(o.buffer_limit) + " messages: 1 to 10000000");
  return {};
}

} // namespace

std::string
node_queue_name(std::string_view node_id)
{
  return "ods-rpc." + std::string(node_id);
}

std::string
dead_queue_name(std::string_view node_id)
{
  return std::string(dead_letter_exchange) + "." + std::string(node_id);
}

bool
valid_exchange_name(std::string_view name)
{
  if (name.empty() || name.size() > 127 || name.starts_with("amq."))
    return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

core::Status
validate_amqp_options(const AmqpOptions& o)
{
  auto url = parse_amqp_url(o.url);
  if (!url)
    return url.take_error();
  if (!valid_node_id(o.node_id))
    return bad("node id \"" + core::escape(o.node_id.substr(0, 80)) +
               "\": 1-64 of A-Z a-z 0-9 . _ -");
  if (!valid_exchange_name(o.exchange))
    return bad("exchange \"" + core::escape(o.exchange.substr(0, 80)) +
               "\": 1-127 of A-Z a-z 0-9 . _ : -, not amq.*");
  if (o.exchange == dead_letter_exchange)
    return bad("the exchange cannot be the dead-letter exchange " +
               std::string(dead_letter_exchange));
  SHOAL_TRY(check_tls(o, *url));
  if (!o.credentials_file.empty()) {
    auto creds = read_amqp_credentials(o.credentials_file);
    if (!creds)
      return creds.take_error();
  }
  return check_limits(o);
}

} // namespace shoal::odsrpcsync
