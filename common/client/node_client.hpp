// NodeClient: the asynchronous client of one DHT node (legacy protocol, specs/swarm.md §1.3),
// and of one log node (the same protocol with the requests of §3.5).
// Single requests are pipelined on one persistent connection and answered in order; each
// stream (GetAll*, Listen) runs on a dedicated connection so that single requests keep flowing.
#pragma once

#include "client/answers.hpp"
#include "client/node_link.hpp"
#include "client/node_options.hpp"
#include "client/reply.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"
#include "proto/hash_range.hpp"
#include "proto/request.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::client {

// Usable on its own (one node, no handshake) or through Dht. Callbacks run on the loop, never
// inside the call that issued the request. Destroying the client closes its connections and
// drops outstanding callbacks unrun; it must be destroyed before its Loop.
class NodeClient
{
public:
  NodeClient(net::Loop& loop, net::Endpoint node, NodeClientOptions opts = {});
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;
  ~NodeClient();

  // The node this client talks to.
  const net::Endpoint& endpoint() const { return m_link.endpoint(); }
  // The options given to the constructor.
  const NodeClientOptions& options() const { return m_link.options(); }

  // Stores value under key in channel.
  void put(std::string_view channel, std::uint64_t key, std::string_view value, Callback<void> cb);
  // Reads the value of key; nullopt when the channel holds no such record.
  void get(std::string_view channel, std::uint64_t key, Callback<std::optional<std::string>> cb);
  // Tells whether channel holds key.
  void exists(std::string_view channel, std::uint64_t key, Callback<bool> cb);
  // Removes key from channel (Ok also when it was absent).
  void remove(std::string_view channel, std::uint64_t key, Callback<void> cb);
  // Names of the node's channels.
  void get_channels(Callback<std::vector<std::string>> cb);
  // Records and bytes of one channel on this node.
  void get_channel_size(std::string_view channel, Callback<NodeSize> cb);
  // Records and bytes of every channel of this node together.
  void get_size(Callback<NodeSize> cb);
  // The node's hash range (of bit-reversed keys; empty while awaiting a redistribution).
  void get_responsible_range(Callback<proto::HashRange> cb);
  // Removes a channel and all its records.
  void remove_channel(std::string_view channel, Callback<void> cb);
  // The number of connections the node has open.
  void get_num_connections(Callback<std::uint64_t> cb);
  // The node's API version (proto::api_version for a compatible node).
  void get_version(Callback<std::string> cb);
  // The node's stats as "key:value" lines (shoal's GetStats).
  void get_stats(Callback<std::vector<std::string>> cb);
  // Stores a batch: payload is what proto::BatchBuilder::finish produced.
  void put_batch(std::string_view channel, std::string_view payload, Callback<void> cb);
  // Log nodes: appends value under key (several records per key), as PutDup.
  void
  put_dup(std::string_view channel, std::uint64_t key, std::string_view value, Callback<void> cb);
  // Log nodes: appends a batch (payload from proto::BatchBuilder::finish), as LogPutBatch.
  void log_put_batch(std::string_view channel, std::string_view payload, Callback<void> cb);
  // Gives the node a new range and the nodes to hand the rest of its records to.
  void redistribute(proto::HashRange range, std::vector<proto::NodeRange> nodes, Callback<void> cb);

  // Streams every record of channel to on_record, then calls done.
  StreamId get_all(std::string_view channel, RecordCallback on_record, DoneCallback done);
  // Streams every key of channel (the values passed are empty), then calls done.
  StreamId get_all_keys(std::string_view channel, RecordCallback on_record, DoneCallback done);
  // Streams the records whose value contains filter as a substring, then calls done.
  StreamId get_all_filter(std::string_view channel,
                          std::string_view filter,
                          RecordCallback on_record,
                          DoneCallback done);
  // Log nodes: streams the records whose key is in [min, max] (inclusive), in the node's
  // bucket order (ascending buckets of 4096 keys, append order inside one), then calls done.
  StreamId get_range(std::string_view channel,
                     std::uint64_t min,
                     std::uint64_t max,
                     RecordCallback on_record,
                     DoneCallback done);
  // Log nodes: get_range limited to the values that contain filter as a substring.
  StreamId get_range_filter(std::string_view channel,
                            std::uint64_t min,
                            std::uint64_t max,
                            std::string_view filter,
                            RecordCallback on_record,
                            DoneCallback done);
  // Streams changes to channel until it is removed (done gets Ok) or the link fails; never
  // times out (TCP keepalive notices a dead node).
  StreamId listen(std::string_view channel, ListenCallback on_update, DoneCallback done);
  // Ends a stream at once; none of its callbacks runs afterwards. Unknown ids are ignored.
  void cancel(StreamId id) { m_link.cancel(id); }

  // Single requests not answered yet.
  std::size_t pending_requests() const { return m_link.pending_requests(); }
  // Streams running.
  std::size_t streams() const { return m_link.streams(); }

private:
  template <class T>
  void single(proto::Command command,
              std::string request,
              T (*decode)(const proto::Response&),
              Callback<T> cb);
  void single_void(proto::Command command, std::string request, Callback<void> cb);
  StreamId batch_stream(proto::Command command,
                        std::string request,
                        RecordCallback on_record,
                        DoneCallback done);

  NodeLink m_link;
};

} // namespace shoal::client
