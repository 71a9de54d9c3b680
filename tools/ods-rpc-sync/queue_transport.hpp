// QueueTransport: ods-rpc-sync nodes reach each other through one or more queuenodes, no broker
// (specs/swarm.md §4.5). Each node is a named subscriber of one channel on every queuenode: a
// push is copied into every subscriber's queue, so publishing once reaches every node, and a
// subscription is permanent, so a node that was away finds its backlog when it comes back.
#pragma once

#include "backoff.hpp"
#include "transport.hpp"

#include "client/node_options.hpp"
#include "client/queue.hpp"
#include "core/result.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::odsrpcsync {

struct QueueTransportOptions {
  std::vector<net::Endpoint> nodes;     // the queuenodes (--queue HOST:PORT, repeatable)
  std::string node_id;                  // this node; its subscriber name is derived from it
  std::string channel = "ods-rpc-sync"; // the channel every node publishes to
  std::size_t max_buffered = 100'000;   // messages kept while no queuenode takes them
  std::size_t max_in_flight = 16;       // pushes sent and not yet answered
  std::uint64_t retry_min_ms = 100;     // first back-off after a failure (doubling) ...
  std::uint64_t retry_max_ms = 30'000;  // ... up to this
  client::NodeClientOptions client;     // timeouts, and the credentials when nodes want them
};

// The subscriber name of node_id on the queuenodes: node ids may hold '.', which queue names
// cannot, so '.' and the escape '_' itself become "_2e" and "_5f" (two ids, two names).
std::string subscriber_name(std::string_view node_id);

// Errc::config when opts cannot work: no node, an invalid channel or node id, a queue name
// too long for a queuenode, or a zero limit.
core::Status check_options(const QueueTransportOptions& opts);

// Delivery and order. Every node receives every message pushed after its subscription exists
// on the queuenode that took it (the summary exchange on on_connected() covers the rest). A
// node pushes to one queuenode of its own (chosen by its id, so that nodes spread over them)
// while that one works and to the next working one otherwise, with at most max_in_flight
// pushes pipelined on one connection: the queuenode stores them in order, so with one
// queuenode, or while a node's own one works, each node receives one publisher's messages in
// publish order. Around a fail-over, a push refused and retried, or with several queuenodes
// delivering at their own pace, one publisher's messages can reach a node out of order; last
// writer wins makes that a matter of latency, not of correctness.
//
// Connection. Each queuenode is consumed on a stream of its own, restarted after a failure
// with back-off; on_connected() runs each time one of them (re)starts (the node accepted the
// Consume: the subscription exists), on_disconnected() each time a running one ends, and
// connected() holds while at least one runs. The queue protocol has no acknowledgements: a
// record the queuenode has sent is gone from it, so what a crash between delivery and apply
// loses is repaired by the summary exchange on the next start, as is what a queuenode crash
// or a dropped subscription loses.
class QueueTransport final : public Transport
{
public:
  // opts should have passed check_options().
  QueueTransport(net::Loop& loop, QueueTransportOptions opts);
  ~QueueTransport() override;
  QueueTransport(const QueueTransport&) = delete;
  QueueTransport& operator=(const QueueTransport&) = delete;

  void start(Handler& handler) override;
  void publish(std::string body, bool joinable) override;
  // No-ops but for counting: the queuenode forgot the message when it sent it.
  void ack(std::uint64_t tag) override;
  void reject(std::uint64_t tag) override;
  // Closes every connection; messages not confirmed yet stay buffered for a later start().
  void stop() override;

  bool connected() const override { return m_receiving > 0; }
  std::string describe() const override;
  const TransportStats& stats() const override { return m_stats; }

  // Messages waiting to be pushed or answered.
  std::size_t buffered() const { return m_out.size(); }
  // Calls of ack() (counted only).
  std::uint64_t acked() const { return m_acked; }
  // The channel this node consumes on every queuenode: "<subscriber>@<channel>".
  const std::string& consume_target() const { return m_target; }

private:
  // One queuenode: its Consume stream and whether pushes go to it.
  struct Node {
    std::unique_ptr<net::Timer> retry; // restarts the Consume after a failure
    bool receiving = false;            // the node accepted the Consume
    Backoff consume_backoff;
    Backoff push_backoff;
    std::uint64_t avoid_until = 0; // after a failed push, no push before this loop time
  };
  // A message in the outgoing buffer, ordered by seq.
  struct Outgoing : PendingMessage {
    std::uint64_t seq = 0;
    bool in_flight = false; // pushed, not answered yet
    bool sent = false;      // pushed at least once
  };

  void consume(std::size_t node);
  void on_started(std::size_t node);
  void on_consume_done(std::size_t node, const client::Reply<void>& reply);
  void on_value(std::string_view value);

  // Pushes the oldest messages not in flight while the window allows and a queuenode takes
  // them.
  void pump();
  // This node's own queuenode if it takes pushes now, else the next one that does; nullopt
  // (with a wake-up set for when an avoided one may be tried again) when none does.
  std::optional<std::size_t> push_target();
  void push(Outgoing& out, std::size_t node);
  void on_pushed(std::uint64_t seq, std::size_t node, const client::Reply<void>& reply);
  // Drops the oldest message not in flight; false when every message is in flight.
  bool drop_oldest();

  net::Loop& m_loop;
  QueueTransportOptions m_opts;
  std::string m_target; // "<subscriber>@<channel>"
  std::size_t m_home;   // the queuenode this node pushes to first
  Handler* m_handler = nullptr;
  std::unique_ptr<client::Queue> m_queue; // while started
  std::vector<Node> m_nodes;
  std::size_t m_receiving = 0; // nodes whose Consume runs
  std::deque<Outgoing> m_out;
  std::size_t m_in_flight = 0;
  std::uint64_t m_next_seq = 1;
  net::Timer m_push_retry; // wakes pump() when an avoided node may be tried again
  TransportStats m_stats;
  std::uint64_t m_acked = 0;
};

} // namespace shoal::odsrpcsync
