// The RabbitMQ transport (AMQP 0-9-1 through librabbitmq): every node publishes to a durable
// fanout exchange and consumes its own durable queue "ods-rpc.<node>", whose rejected
// messages go to "ods-rpc.dead.<node>". Publishes are persistent and confirmed by the broker
// (kept and sent again after a reconnection until they are); deliveries are acknowledged by
// hand. A dedicated I/O thread owns the connection (librabbitmq blocks); every Handler call
// happens on the loop thread.
#pragma once

#include "amqp_options.hpp"
#include "amqp_url.hpp"
#include "transport.hpp"

#include "net/loop.hpp"

#include <memory>

namespace shoal::odsrpcsync {

struct AmqpShared;
class AmqpIoThread;

class AmqpTransport : public Transport
{
public:
  // opts must pass validate_amqp_options (start-up code calls it first); if they do not, the
  // constructor throws std::invalid_argument with its message.
  AmqpTransport(net::Loop& loop, AmqpOptions opts);
  // Stops first if still running.
  ~AmqpTransport() override;
  AmqpTransport(const AmqpTransport&) = delete;
  AmqpTransport& operator=(const AmqpTransport&) = delete;

  void start(Handler& handler) override;
  void publish(std::string body, bool joinable) override;
  void ack(std::uint64_t tag) override;
  void reject(std::uint64_t tag) override;
  // Gives unconfirmed publishes up to 2 s to be confirmed, closes the connection and joins
  // the I/O thread; deliveries not yet acknowledged go back to the queue. A connection attempt
  // in progress is not interrupted: against an unreachable host stop() can wait for its
  // timeouts (10 s to connect, librabbitmq's 12 s to log in).
  void stop() override;

  bool connected() const override { return m_connected; }
  std::string describe() const override;
  // A copy of the counters taken now (the I/O thread counts confirms and reconnections).
  const TransportStats& stats() const override;

private:
  void deliver_events();
  void send_tag_command(std::uint64_t tag, bool reject);

  net::Loop& m_loop;
  AmqpOptions m_options;
  AmqpUrl m_url;
  std::unique_ptr<AmqpShared> m_shared;
  std::unique_ptr<net::Async> m_async; // wakes the loop for events; exists while started
  std::unique_ptr<AmqpIoThread> m_io;
  Handler* m_handler = nullptr;
  bool m_connected = false;
  bool m_stopped = false;
  mutable TransportStats m_stats;
};

} // namespace shoal::odsrpcsync
