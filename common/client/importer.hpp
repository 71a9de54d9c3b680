// Importer: bulk writes to a DHT. Records are grouped per responsible node into LZO batches
// (proto::BatchBuilder) and sent with PutBatch, a bounded number in flight per node, so that
// millions of records stream through in bounded memory.
#pragma once

#include "client/dht.hpp"
#include "proto/batch.hpp"

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shoal::client {

// Importer settings.
struct ImportOptions {
  std::size_t batch_size = proto::default_batch_size; // uncompressed bytes per batch
  std::size_t in_flight_per_node = 8;                 // PutBatch requests awaiting an answer
};

// Feeds one channel of a handshaken Dht. Usage: add() while !backlogged(), else wait for the
// ready callback; then finish(). After the first failure nothing more is sent and finish()
// reports it; batches already stored stay stored. Must outlive its requests (destroy it after
// finish's callback, or after destroying the Dht).
class Importer
{
public:
  Importer(Dht& dht, std::string channel, ImportOptions opts = {});
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  // Adds a record (value not empty). A record too large for a batch goes as a single Put.
  void add(std::uint64_t key, std::string_view value);
  // True when finished batches wait for room in flight: the caller should pause until ready.
  bool backlogged() const;
  // Called when backlogged() turns false again (or a failure happened).
  void
  on_ready(std::function<void()> fn)
  {
    m_on_ready = std::move(fn);
  }
  // The first failure, if any.
  const std::optional<Reply<void>>&
  failure() const
  {
    return m_failure;
  }
  // Sends what remains and calls done once every request has been answered.
  void finish(Callback<void> done);

  // Records added, and records the nodes confirmed.
  std::uint64_t
  records_added() const
  {
    return m_added;
  }
  std::uint64_t
  records_stored() const
  {
    return m_stored;
  }

private:
  struct Lane { // one node
    proto::BatchBuilder builder;
    std::deque<std::pair<std::string, std::size_t>> waiting; // payload, records
    std::size_t in_flight = 0;
    explicit Lane(std::size_t batch_size) : builder(batch_size) {}
  };

  void seal(std::size_t node);                                           // finishes the builder
  void send(std::size_t node, std::string payload, std::size_t records); // a PutBatch
  void answered(std::size_t node, std::size_t records, Reply<void> reply);
  void check_done();

  Dht& m_dht;
  std::string m_channel;
  ImportOptions m_opts;
  std::vector<std::unique_ptr<Lane>> m_lanes;
  std::optional<Reply<void>> m_failure;
  std::function<void()> m_on_ready;
  Callback<void> m_done;
  bool m_finishing = false;
  std::uint64_t m_added = 0;
  std::uint64_t m_stored = 0;
  std::shared_ptr<Importer*> m_self; // lets answers arriving after destruction be ignored
};

} // namespace shoal::client
