// LogStore: a client of a whole log store (specs/swarm.md §3): the DHT's nodes, handshake and
// routing (a record goes to the node whose range holds its bit-reversed timestamp), plus the
// log requests: PutDup routed to one node, GetRange* and GetAll* read from every node.
#pragma once

#include "client/dht.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::client {

// What a read of a log store asks every node for.
struct LogQuery {
  std::string channel;
  std::uint64_t min = 0;                 // first key (inclusive)
  std::uint64_t max = ~std::uint64_t{0}; // last key (inclusive)
  bool all = false;                      // GetAll* instead of GetRange* (min and max unused)
  std::optional<std::string> filter;     // the *Filter request: values containing it
};

// Receives one record of a read and the index of the node that sent it.
using NodeRecordCallback =
    std::function<void(std::size_t node, std::uint64_t key, std::string_view value)>;
// Told that node's part of a read ended successfully: every record it holds was delivered.
using NodeEndCallback = std::function<void(std::size_t node)>;

// A Dht whose nodes are log nodes. Of Dht's requests, get/exists/remove/listen are answered
// NotSupported by log nodes and put appends (as put_dup). Callbacks run on the loop.
class LogStore : public Dht
{
public:
  using Dht::Dht;

  // Appends value under key on the node responsible for key (after a handshake; before one,
  // cb gets Errc::usage).
  void
  put_dup(std::string_view channel, std::uint64_t key, std::string_view value, Callback<void> cb);

  // Reads from every node in parallel; each node sends its records in bucket order (ascending
  // buckets of 4096 keys, append order inside a bucket), the nodes' streams interleave in
  // arrival order. on_node_end may be empty. done runs once every node has ended, with the
  // first failure (the other nodes' parts are then cancelled). cancel(id) stops it all.
  StreamId read(const LogQuery& query,
                NodeRecordCallback on_record,
                NodeEndCallback on_node_end,
                DoneCallback done);
  // read() of the records with keys in [min, max], without node indexes.
  StreamId get_range(std::string_view channel,
                     std::uint64_t min,
                     std::uint64_t max,
                     RecordCallback on_record,
                     DoneCallback done);
  // get_range() of the values containing filter.
  StreamId get_range_filter(std::string_view channel,
                            std::uint64_t min,
                            std::uint64_t max,
                            std::string_view filter,
                            RecordCallback on_record,
                            DoneCallback done);
};

} // namespace shoal::client
