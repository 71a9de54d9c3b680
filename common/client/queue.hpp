// Queue: a client of a whole queue (specs/swarm.md §4): one QueueNodeClient per node. Nodes
// know nothing of each other; records are spread round-robin (push, pop, produce), consumed
// from every node at once, and listings, sizes and removals go to every node.
#pragma once

#include "client/multi_stream.hpp"
#include "client/node_set.hpp"
#include "client/queue_node_client.hpp"
#include "client/queue_spread_producer.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::client {

// How long a node whose link failed is left out of the round-robin (unless every node is).
inline constexpr std::uint64_t default_node_retry_ms = 2'000;

// Callbacks run on the loop; destroying the Queue drops them unrun (producers live on their
// own); it must be destroyed before its Loop.
class Queue : public NodeSet<QueueNodeClient>
{
public:
  // nodes must not be empty; opts apply to every node.
  Queue(net::Loop& loop,
        const std::vector<net::Endpoint>& nodes,
        NodeClientOptions opts = {},
        std::uint64_t node_retry_ms = default_node_retry_ms);
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;
  ~Queue();

  // Pushes to the next node in turn; when a node fails (link down, or a refusal that another
  // node may not share, such as OutOfMemory), tries the following ones; fails only when every
  // node failed (with the last failure), or at once for a refusal of the record itself
  // (EmptyValue, BadChannelName, ValueTooBig).
  void push(std::string_view channel, std::string_view value, Callback<void> cb);
  // PushMulti to the next node in turn, with push's fail-over.
  void
  push_multi(const std::vector<std::string>& channels, std::string_view value, Callback<void> cb);
  // Pops from the next node in turn, asking the following ones while they are empty; nullopt
  // when every node answered empty, else the last failure if a node could not be asked.
  void pop(std::string_view channel, Callback<std::optional<std::string>> cb);

  // Every node's size limit (in node order).
  void get_size_limits(Callback<std::vector<std::uint64_t>> cb);
  // Every node's API version (in node order).
  void get_versions(Callback<std::vector<std::string>> cb);

  // Consumes channel (or SUBSCRIBER@CHANNEL) from every node at once, merged in arrival order;
  // done runs once every node has ended its stream (the channel was removed), or at the first
  // failure, which cancels the other nodes' streams.
  StreamId consume(std::string_view channel, ValueCallback on_value, DoneCallback done);
  // Cancels every node's part of a Consume; none of its callbacks runs afterwards.
  void cancel(StreamId id);

  // Opens a Produce stream to channel on every node (see SpreadProducer).
  std::unique_ptr<SpreadProducer> produce(std::string_view channel, DoneCallback done);
  // Opens a ProduceMulti stream to channels on every node.
  std::unique_ptr<SpreadProducer> produce_multi(const std::vector<std::string>& channels,
                                                DoneCallback done);

private:
  struct Attempt;    // one push going from node to node
  struct PopAttempt; // one pop going from node to node
  using Try = std::function<void(QueueNodeClient&, Callback<void>)>;
  std::vector<std::size_t> order();
  void attempt(std::shared_ptr<Attempt> a);
  void pop_next(std::shared_ptr<PopAttempt> p);
  void mark(std::size_t node, proto::StatusCode status);

  net::Loop& m_loop;
  std::vector<std::uint64_t> m_retry_at; // loop time before which node i is left out
  std::uint64_t m_retry_ms;
  std::size_t m_next = 0;
  MultiStreams m_multis;
};

} // namespace shoal::client
