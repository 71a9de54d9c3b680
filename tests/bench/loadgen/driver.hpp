// The load generator's engine: one thread, one epoll set, N non-blocking connections, each
// keeping up to `depth` requests in flight and topping them up after every read.
#pragma once

#include "codec.hpp"
#include "histogram.hpp"

#include <cstdint>
#include <string>

namespace shoal::bench {

// What to run, against which server.
struct Config {
  Proto proto = Proto::swarm;
  Op op = Op::set;
  std::string host = "127.0.0.1"; // IPv4 address
  std::uint16_t port = 0;
  std::string channel = "bench"; // swarm only
  unsigned conns = 50;
  unsigned depth = 1;                // requests in flight per connection
  std::uint64_t keys = 1000000;      // key space: 0 .. keys-1
  std::size_t value_size = 100;      // bytes per value (set writes it, get expects it)
  std::uint64_t ops = 2000000;       // stop issuing after this many requests ...
  double seconds = 10;               // ... or after this long, whichever comes first
  double drain_seconds = 10;         // then wait at most this long for the replies in flight
  bool sequential = false;           // keys 0, 1, 2, ... instead of uniformly random ones
  std::uint64_t records_per_key = 0; // > 0: a log's timestamps, key_base + n / records_per_key
  std::uint64_t key_base = 0;
  unsigned batch_records = 0; // swarm set: records per log PutBatch (0: one Put each)
  std::uint64_t seed = 1;     // for the random keys: both servers see the same sequence
};

// What a run measured.
struct Outcome {
  std::uint64_t ops = 0;    // replies received (ok + miss + error)
  std::uint64_t misses = 0; // gets that found no record
  std::uint64_t errors = 0; // refused requests, wrong values, requests lost to a fatal failure
  std::string fatal;        // why the run stopped early (connection lost, bad reply); "" if not
  double wall_seconds = 0;  // first request sent .. last reply received
  Histogram latency;        // per request, ns: from the send() that carried it to the read()
                            // that completed its reply
};

// Connects, runs the workload to its bounds, drains, and reports. Never throws for network
// failures: they end the run with `fatal` set.
Outcome run(const Config& config);

} // namespace shoal::bench
