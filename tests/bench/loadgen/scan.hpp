// The range-scan workload: one GetRange (or GetAll) over a whole log channel, read as fast as
// the node sends it; the batches' uncompressed sizes are summed, and every batch is
// decompressed and its records counted (so that the figure is of records a client can use).
#pragma once

#include <cstdint>
#include <string>

namespace shoal::bench {

struct ScanConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string channel = "bench";
  std::uint64_t min = 0; // keys in [min, max]
  std::uint64_t max = ~std::uint64_t{0};
  double seconds = 600; // give up after this long
};

struct ScanOutcome {
  std::uint64_t records = 0;
  std::uint64_t raw_bytes = 0;  // uncompressed batch bytes (lengths, hex keys and values)
  std::uint64_t wire_bytes = 0; // bytes received
  std::uint64_t value_bytes = 0;
  double wall_seconds = 0; // request sent .. end marker received
  std::string fatal;
};

ScanOutcome run_scan(const ScanConfig& config);

} // namespace shoal::bench
