// Transport: how ods-rpc-sync nodes reach each other. Every message published goes to every
// node (the publisher included: it recognises its own and drops them); each node receives the
// messages in the order the transport keeps them. Two implementations: RabbitMQ (AMQP 0-9-1,
// amqp_transport) and queuenode (queue_transport). Everything here runs on the loop thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::odsrpcsync {

// Counters a transport keeps for `status` (monotonic since start).
struct TransportStats {
  std::uint64_t published = 0;     // messages handed to the transport
  std::uint64_t confirmed = 0;     // ... that the broker or queuenode confirmed holding
  std::uint64_t republished = 0;   // sent again after a reconnect (no confirmation came)
  std::uint64_t dropped = 0;       // not sent: the outgoing buffer was full (the summary repairs)
  std::uint64_t nacked = 0;        // refused by the broker (basic.nack; the summary repairs)
  std::uint64_t received = 0;      // messages delivered to the handler
  std::uint64_t dead_lettered = 0; // rejected for good (RabbitMQ: to the dead-letter queue)
  std::uint64_t connects = 0;      // successful (re)connections
  std::uint64_t connect_failures = 0;
};

// The largest message joinable bodies are joined into (within what a queuenode takes).
inline constexpr std::size_t max_joined_bytes = 32 * 1024;

// A message a transport holds until it can send it: one body, or joinable lines joined.
struct PendingMessage {
  std::string body;
  bool joinable = false;
  std::size_t count = 1; // bodies published in it

  // Appends line when this message and line are both joinable and the message stays within
  // max_joined_bytes; true if it did. Asked only of the newest message, while it is unsent.
  bool join(std::string_view line, bool line_joinable)
  {
    if (!joinable || !line_joinable || body.size() + line.size() > max_joined_bytes)
      return false;
    body += line;
    ++count;
    return true;
  }
};

class Transport
{
public:
  class Handler
  {
  public:
    virtual ~Handler() = default;
    // A message from some node (maybe this one): one body as published, or several joinable
    // ones concatenated (see publish). tag names it for ack()/reject(); 0 where the transport
    // has no acknowledgements (queuenode).
    virtual void on_message(std::string_view body, std::uint64_t tag) = 0;
    // The transport is (again) connected and receiving: the moment to exchange summaries,
    // since whatever was sent while it was down may be lost.
    virtual void on_connected() = 0;
    // The connection was lost (it is being retried with back-off); why is for the log.
    virtual void on_disconnected(const std::string& why) = 0;
  };

  virtual ~Transport() = default;

  // Connects (and keeps reconnecting with back-off) and starts delivering to handler, which
  // must outlive the transport.
  virtual void start(Handler& handler) = 0;
  // Sends body to every node. Never fails: a message the transport cannot send now is kept
  // (a bounded buffer) and sent after the reconnection; what falls out of the buffer counts as
  // dropped, and the summary exchange after the reconnection repairs it.
  // joinable: body is one line ending in '\n' that may travel in one message with the
  // joinable bodies published just before or after it (a transport joins them while the
  // messages before still wait for the other end: fewer, bigger messages under load).
  virtual void publish(std::string body, bool joinable) = 0;
  // The message tag has been applied and is durable: the transport may forget it.
  virtual void ack(std::uint64_t tag) = 0;
  // The message tag can never be applied (malformed): never deliver it again.
  virtual void reject(std::uint64_t tag) = 0;
  // Stops: closes the connection, no handler call afterwards.
  virtual void stop() = 0;

  virtual bool connected() const = 0;
  // "amqp://host:port/vhost" or "queuenode host:port,..." (no credentials), for logs and status.
  virtual std::string describe() const = 0;
  virtual const TransportStats& stats() const = 0;
};

} // namespace shoal::odsrpcsync
