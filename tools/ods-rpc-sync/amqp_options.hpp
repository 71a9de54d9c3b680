// What the RabbitMQ transport needs to know: the broker, this node, the topology's names, TLS,
// credentials and limits; and the check the command line runs before anything starts.
#pragma once

#include "core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace shoal::odsrpcsync {

struct AmqpOptions {
  std::string url;                        // amqp[s]://user:password@host:port/vhost
  std::string node_id;                    // this node; its queue is "ods-rpc.<node_id>"
  std::string exchange = "ods-rpc.flags"; // the durable fanout exchange every node publishes to
  std::string tls_cacert;                 // amqps: PEM CA certificates (empty: the system's)
  std::string tls_cert;                   // amqps: client certificate (PEM), with tls_key
  std::string tls_key;                    // amqps: its private key (PEM)
  bool tls_verify = true;                 // amqps: check the broker's certificate and host name
  std::string credentials_file;           // one line "user:password"; overrides the URL's
  unsigned heartbeat_s = 30;         // AMQP heartbeat (0: none; a dead broker then goes unnoticed)
  unsigned prefetch = 100;           // deliveries unacknowledged at most (basic.qos)
  std::size_t buffer_limit = 100000; // outgoing messages kept until the broker confirms them
};

// The dead-letter exchange (direct, durable): a node's rejected messages reach its own
// dead-letter queue through the routing key dead_queue_name(node).
inline constexpr std::string_view dead_letter_exchange = "ods-rpc.dead";

// "ods-rpc.<node_id>": the durable queue a node consumes, bound to the exchange.
std::string node_queue_name(std::string_view node_id);
// "ods-rpc.dead.<node_id>": where the node's rejected messages go.
std::string dead_queue_name(std::string_view node_id);

// True for an exchange name RabbitMQ takes and that is not reserved: 1-127 of
// [A-Za-z0-9._:-], not starting with "amq.".
bool valid_exchange_name(std::string_view name);

// Checks every option (the URL, the node id, the exchange name, that TLS files are given only
// for amqps and are readable, that a certificate comes with its key, the credentials file, the
// ranges); Errc::config with a message saying which option is wrong and why.
core::Status validate_amqp_options(const AmqpOptions& opts);

} // namespace shoal::odsrpcsync
