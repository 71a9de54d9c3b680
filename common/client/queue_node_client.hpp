// QueueNodeClient: the asynchronous client of one queue node (legacy protocol, specs/swarm.md
// §4.4-4.5). Single requests are pipelined on one persistent connection and answered in
// order; each Consume stream and each producer runs on a connection of its own.
#pragma once

#include "client/answers.hpp"
#include "client/node_link.hpp"
#include "client/node_options.hpp"
#include "client/queue_pending.hpp"
#include "client/queue_producer.hpp"
#include "client/reply.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"
#include "proto/queue_codes.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::client {

// Callbacks run on the loop, never inside the call that issued the request. Destroying the
// client closes its connections (producers live on their own) and drops outstanding callbacks
// unrun; it must be destroyed before its Loop.
class QueueNodeClient
{
public:
  QueueNodeClient(net::Loop& loop, net::Endpoint node, NodeClientOptions opts = {});
  QueueNodeClient(const QueueNodeClient&) = delete;
  QueueNodeClient& operator=(const QueueNodeClient&) = delete;
  ~QueueNodeClient();

  // The node this client talks to.
  const net::Endpoint& endpoint() const { return m_link.endpoint(); }
  // The options given to the constructor.
  const NodeClientOptions& options() const { return m_link.options(); }

  // Appends value (not empty) to channel.
  void push(std::string_view channel, std::string_view value, Callback<void> cb);
  // Takes the oldest record of channel; nullopt when the channel is empty or does not exist.
  void pop(std::string_view channel, Callback<std::optional<std::string>> cb);
  // Appends value to every channel of channels (one request).
  void
  push_multi(const std::vector<std::string>& channels, std::string_view value, Callback<void> cb);
  // Names of the node's channels.
  void get_channels(Callback<std::vector<std::string>> cb);
  // Records and bytes of one channel on this node.
  void get_channel_size(std::string_view channel, Callback<NodeSize> cb);
  // Records and bytes of every channel of this node together.
  void get_size(Callback<NodeSize> cb);
  // The node's size limit per channel, in bytes.
  void get_size_limit(Callback<std::uint64_t> cb);
  // The number of connections the node has open.
  void get_num_connections(Callback<std::uint64_t> cb);
  // The node's API version (shoal's GetVersion; proto::api_version for a shoal node).
  void get_version(Callback<std::string> cb);
  // The node's stats as "key:value" lines (shoal's GetStats).
  void get_stats(Callback<std::vector<std::string>> cb);
  // Removes a channel and its records; the node ends the Consume streams of that channel.
  void remove_channel(std::string_view channel, Callback<void> cb);

  // Consumes channel ("CHANNEL", or "SUBSCRIBER@CHANNEL" for a named subscriber: see
  // proto::consume_target): on_started (if set) runs once the node has accepted the stream
  // (the subscription exists), each record goes to on_value; done gets Ok when the node ends
  // the stream (the channel was removed) or the failure. Never times out (TCP keepalive notices
  // a dead node). Records the node has sent are gone from the queue: cancelling loses those not
  // yet delivered.
  StreamId consume(std::string_view channel,
                   ValueCallback on_value,
                   DoneCallback done,
                   StartedCallback on_started = {});
  // Ends a Consume stream at once; none of its callbacks runs afterwards.
  void cancel(StreamId id) { m_link.cancel(id); }

  // Opens a Produce stream to channel on a new connection (see Producer).
  std::unique_ptr<Producer> produce(std::string_view channel, DoneCallback done);
  // Opens a ProduceMulti stream: every record goes to every channel of channels.
  std::unique_ptr<Producer> produce_multi(const std::vector<std::string>& channels,
                                          DoneCallback done);

  // Single requests not answered yet.
  std::size_t pending_requests() const { return m_link.pending_requests(); }
  // Consume streams running.
  std::size_t streams() const { return m_link.streams(); }

private:
  template <class T>
  void single(proto::QueueCommand command,
              std::string request,
              T (*decode)(const proto::Response&),
              Callback<T> cb);
  void single_void(proto::QueueCommand command, std::string request, Callback<void> cb);

  NodeLink m_link;
};

} // namespace shoal::client
