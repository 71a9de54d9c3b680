// The node's counters: requests by command, bytes, connections and record actions
// (the original's written/read/iterated/deleted), reported in the stats log and by GetStats.
#pragma once

#include "proto/codes.hpp"

#include <array>
#include <cstdint>

namespace shoal::dhtnode {

struct NodeStats {
  static constexpr std::size_t max_code = 64;
  std::array<std::uint64_t, max_code + 1> handled{}; // requests handled, by command code
  std::uint64_t written = 0;                         // records stored (Put, PutBatch)
  std::uint64_t read = 0;                            // records read (Get)
  std::uint64_t iterated = 0;                        // records sent by GetAll*
  std::uint64_t deleted = 0;                         // records removed (Remove)
  std::uint64_t listen_sent = 0;                     // Listen updates sent
  std::uint64_t listen_dropped = 0; // Listen updates dropped because a listener lagged
  std::uint64_t forwarded = 0;      // records sent away by Redistribute
  std::uint64_t dumps = 0;          // completed dumps (snapshots and shutdown)
  std::uint64_t dump_failures = 0;
  std::uint64_t last_dump_ms = 0; // duration of the last completed dump

  void count(proto::Command command)
  {
    auto code = static_cast<std::size_t>(command);
    if (code <= max_code)
      ++handled[code];
  }
};

} // namespace shoal::dhtnode
