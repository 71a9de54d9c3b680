// Dht: a client of a whole DHT (specs/swarm.md §1.2, §1.5): one NodeClient per node, a
// handshake that checks versions and hash-range coverage, routing of keyed requests to the
// responsible node (bit-reversed key), and requests to all nodes merged into one answer.
#pragma once

#include "client/multi_stream.hpp"
#include "client/node_client.hpp"
#include "client/node_set.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shoal::client {

// What the handshake learnt about one node.
struct NodeInfo {
  net::Endpoint endpoint;
  std::string version;
  proto::HashRange range = proto::HashRange::none();
};

// Callbacks run on the loop; destroying the Dht drops them unrun. Keyed requests need a
// successful handshake() first and fail at once (Errc::usage) without one.
class Dht : public NodeSet<NodeClient>
{
public:
  // nodes must not be empty; opts apply to every node.
  Dht(net::Loop& loop, const std::vector<net::Endpoint>& nodes, NodeClientOptions opts = {});
  Dht(const Dht&) = delete;
  Dht& operator=(const Dht&) = delete;
  ~Dht();

  // Asks every node for its version and range (in parallel) and records them in info(); fails
  // naming the first node that did not answer. Judges nothing (see check()).
  void survey(Callback<void> done);
  // Checks what survey() recorded: every version equals proto::api_version and the ranges
  // cover the key space without gaps or overlaps (the error names them).
  core::Status check() const;
  // survey() then check(); on success keyed requests are routed.
  void handshake(Callback<void> done);

  // What survey() learnt about node i.
  const NodeInfo& info(std::size_t i) const { return m_info[i]; }
  // The index of the node responsible for key, or nullopt before a successful handshake.
  std::optional<std::size_t> route(std::uint64_t key) const;

  // Keyed requests, sent to the responsible node.
  void put(std::string_view channel, std::uint64_t key, std::string_view value, Callback<void> cb);
  void get(std::string_view channel, std::uint64_t key, Callback<std::optional<std::string>> cb);
  void exists(std::string_view channel, std::uint64_t key, Callback<bool> cb);
  void remove(std::string_view channel, std::uint64_t key, Callback<void> cb);

  // Streams from every node in parallel, merged in arrival order; done runs once all nodes
  // have ended, with the first failure (the other nodes' streams are then cancelled).
  StreamId get_all(std::string_view channel, RecordCallback on_record, DoneCallback done);
  StreamId get_all_keys(std::string_view channel, RecordCallback on_record, DoneCallback done);
  StreamId get_all_filter(std::string_view channel,
                          std::string_view filter,
                          RecordCallback on_record,
                          DoneCallback done);
  // Listens on every node; done runs when every node has reported the channel removed.
  StreamId listen(std::string_view channel, ListenCallback on_update, DoneCallback done);
  // Cancels every node's part of a stream; none of its callbacks runs afterwards.
  void cancel(StreamId id);

protected:
  MultiStreams m_multis; // one stream on every node; cancel() ends them

private:
  using StartFn = std::function<StreamId(NodeClient&, DoneCallback)>;
  StreamId start_multi(const StartFn& start, DoneCallback done);
  template <class T> bool routed(std::uint64_t key, std::size_t& node, Callback<T>& cb);

  std::vector<NodeInfo> m_info;
  bool m_ready = false;
};

} // namespace shoal::client
