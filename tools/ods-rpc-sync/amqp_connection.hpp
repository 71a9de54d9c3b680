// One AMQP 0-9-1 connection and its channel, as the RabbitMQ transport's I/O thread uses it:
// librabbitmq's blocking calls behind core::Result, reading that never waits (the thread
// waits in poll() on fd() and its wake-up descriptor instead), heartbeats kept by hand and
// writes made only while the socket takes them, so that a hung broker cannot block the thread.
// Not thread-safe: one thread owns it.
#pragma once

#include "amqp_url.hpp"

#include "core/result.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace shoal::odsrpcsync {

// Where and how to connect.
struct AmqpEndpoint {
  AmqpUrl url;
  AmqpCredentials credentials;
  std::string tls_cacert; // empty: the system's CA certificates
  std::string tls_cert;
  std::string tls_key;
  bool tls_verify = true;
  unsigned heartbeat_s = 30;
  std::string connection_name; // shown by the broker (rabbitmqctl list_connections)
};

class AmqpConnection
{
public:
  // Connects, logs in and opens the channel; Errc::unavailable with the reason (the broker's
  // refusal, a TLS failure, a timeout).
  static core::Result<std::unique_ptr<AmqpConnection>> open(const AmqpEndpoint& endpoint);
  ~AmqpConnection();
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;

  // The durable fanout exchange, the dead-letter exchange, and this node's two durable queues.
  core::Status declare_topology(const std::string& exchange, const std::string& node_id);
  // Turns on publisher confirms, sets the prefetch and starts consuming queue (manual acks).
  core::Status start_consuming(const std::string& queue, unsigned prefetch);

  // A persistent text/plain message to exchange with app_id and the current time.
  core::Status publish(const std::string& exchange, std::string_view body, std::string_view app_id);
  core::Status ack(std::uint64_t delivery_tag);
  // Rejects without requeueing: the broker dead-letters the message.
  core::Status reject(std::uint64_t delivery_tag);

  struct Delivery {
    std::uint64_t delivery_tag = 0;
    std::string body;
  };
  struct Confirm {
    std::uint64_t seq = 0;
    bool multiple = false;
    bool ack = true; // false: basic.nack, the broker lost it
  };
  using Incoming = std::variant<std::monostate, Delivery, Confirm>;
  // The next delivery or confirmation if one has arrived, monostate if none has (never waits
  // for one); an error once the connection or channel is closed or broken, with the reason.
  core::Result<Incoming> read();

  // True if the socket takes writes now (checked before every write).
  bool writable() const;
  // Sends a heartbeat when nothing went out for half the heartbeat interval; an error when
  // nothing came in for two intervals (a dead or hung broker).
  core::Status keep_alive();
  // The socket had input (poll() said so): the broker is alive.
  void note_input();
  int fd() const;
  // How long the I/O thread may sleep before keep_alive() has work.
  std::chrono::milliseconds idle_wait() const;

  // Closes the channel and the connection politely if the broker still listens (bounded by a
  // short timeout), or just drops the socket.
  void close();

  struct State; // librabbitmq's side (amqp_connection_state.hpp), for the .cpp files only

private:
  explicit AmqpConnection(std::unique_ptr<State> state);
  core::Status sent(int status, std::string_view what);

  std::unique_ptr<State> m_state;
};

} // namespace shoal::odsrpcsync
