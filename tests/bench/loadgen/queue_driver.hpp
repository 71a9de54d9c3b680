// The queue workload: producer connections push records, consumer connections pop them, at the
// same time, against one queue server; the consumers measure push-to-consume latency.
#pragma once

#include "histogram.hpp"
#include "queue_codec.hpp"

#include <cstdint>
#include <string>

namespace shoal::bench {

struct QueueConfig {
  QueueProto proto = QueueProto::swarm;
  std::string host = "127.0.0.1"; // IPv4 address
  std::uint16_t port = 0;
  std::string channel = "bench";      // swarm channel, Redis list; beanstalkd uses its default tube
  unsigned producers = 50;            // connections that push
  unsigned consumers = 50;            // connections that pop
  unsigned depth = 1;                 // pushes (pops) in flight per producer (consumer)
  std::size_t value_size = 100;       // bytes per record, at least record_header
  std::uint64_t ops = 2000000;        // push at most this many records ...
  double seconds = 10;                // ... for at most this long
  double drain_seconds = 10;          // then pop what is left for at most this long
  std::uint64_t backoff_min_us = 100; // a consumer answered "empty" waits this long,
  std::uint64_t backoff_max_us = 1000; // doubling on each empty answer up to this
  unsigned threads = 1;                // 2: producers and consumers each on their own thread
  bool stream = false; // swarm: each consumer takes records from one Consume stream, not Pop
};

struct QueueOutcome {
  std::uint64_t pushed = 0;      // pushes acknowledged Ok
  std::uint64_t consumed = 0;    // well-formed records popped (a duplicate counts once)
  std::uint64_t empty_polls = 0; // pops answered "queue empty"
  std::uint64_t errors = 0;      // refused requests, damaged or duplicated records
  std::uint64_t duplicates = 0;  // records popped twice (also in errors)
  std::string fatal;             // why the run stopped early; "" if it did not
  double push_seconds = 0;       // start .. last push acknowledged
  double consume_seconds = 0;    // start .. last record popped
  double wall_seconds = 0;       // start .. the end of the run (drain included)
  Histogram latency;             // ns from the push's send to the pop's reply, per record

  // Pushed but not popped when the run ended (drain bound passed, or records lost).
  std::uint64_t left() const { return pushed > consumed ? pushed - consumed : 0; }
};

// Connects, pushes and pops to the bounds, drains, and reports. Never throws for network
// failures: they end the run with `fatal` set.
QueueOutcome run_queue(const QueueConfig& config);

} // namespace shoal::bench
