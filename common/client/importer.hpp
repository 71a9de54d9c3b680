// Importer: bulk writes to a DHT or a log store. Records are grouped per responsible node into
// LZO batches (proto::BatchBuilder) and sent with PutBatch (LogPutBatch for log nodes), a bounded
// number in flight per node, so that millions of records stream through in bounded memory.
#pragma once

#include "client/dht.hpp"
#include "proto/batch.hpp"

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::client {

// Importer settings.
struct ImportOptions {
  std::size_t batch_size = proto::default_batch_size; // uncompressed bytes per batch
  std::size_t in_flight_per_node = 8;                 // PutBatch requests awaiting an answer
  bool append = false; // log nodes: LogPutBatch and PutDup (every record appended), not PutBatch
};

// Feeds one channel of a handshaken Dht. Usage: add() while !backlogged(), else wait for the
// ready callback; then finish(). After the first failure nothing more is sent and finish()
// reports it; batches already stored stay stored. Destroying it early is safe: answers that
// arrive later are ignored, and its callbacks never run.
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
  void on_ready(std::function<void()> fn) { m_on_ready = std::move(fn); }
  // The first failure, if any.
  const std::optional<Reply<void>>& failure() const { return m_failure; }
  // Sends the batches being built now, without waiting for them to fill (for input that comes
  // slowly); does nothing after a failure or finish().
  void flush();
  // Sends what remains and calls done once every request has been answered (at once when
  // nothing is outstanding).
  void finish(Callback<void> done);
  // While requests are outstanding, their callbacks hold a reference to owner (the object
  // that owns this importer), so that it lives as long as they do and no longer.
  void set_owner(std::weak_ptr<void> owner) { m_owner = std::move(owner); }

  // Records added, and records the nodes confirmed.
  std::uint64_t records_added() const { return m_added; }
  std::uint64_t records_stored() const { return m_stored; }

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
  std::weak_ptr<void> m_owner;
};

// Stores records in channel through an Importer and calls done once all are answered (at once
// when there is nothing to send). The Dht must be handshaken and outlive the call.
void put_many(Dht& dht,
              std::string_view channel,
              std::vector<std::pair<std::uint64_t, std::string>> records,
              Callback<void> done,
              ImportOptions opts = {});

} // namespace shoal::client
