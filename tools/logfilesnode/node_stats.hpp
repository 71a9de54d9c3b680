// The node's counters: requests by command and record actions, reported in the stats log and
// by GetStats.
#pragma once

#include "proto/codes.hpp"

#include <array>
#include <cstdint>

namespace shoal::logfilesnode {

struct NodeStats {
  static constexpr std::size_t max_code = 64;
  std::array<std::uint64_t, max_code + 1> handled{}; // requests handled, by command code
  std::uint64_t written = 0;               // records accepted for writing (failures counted below)
  std::uint64_t write_failures = 0;        // records the disk refused (answered Error)
  std::uint64_t iterated = 0;              // records sent by GetRange* and GetAll*
  std::uint64_t iterated_uncompressed = 0; // of those, sent as literal runs (the client kept up)
  std::uint64_t damaged_reads = 0;         // damaged records skipped while reading
  std::uint64_t compressed_read = 0;       // gzip buckets read
  std::uint64_t throttled = 0;             // times a writer waited for the disk (--max-backlog)

  void count(proto::Command command)
  {
    auto code = static_cast<std::size_t>(command);
    if (code <= max_code)
      ++handled[code];
  }
};

} // namespace shoal::logfilesnode
