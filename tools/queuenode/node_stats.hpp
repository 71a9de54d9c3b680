// The queue node's counters: requests by command and records in and out.
#pragma once

#include "proto/queue_codes.hpp"

#include <array>
#include <cstdint>

namespace shoal::queuenode {

struct NodeStats {
  static constexpr std::size_t max_code = 64;
  std::array<std::uint64_t, max_code + 1> handled{}; // requests handled, by command code
  std::uint64_t pushed = 0;   // records stored by Push and PushMulti (one per channel)
  std::uint64_t produced = 0; // records stored from Produce streams
  std::uint64_t dropped = 0;  // Produce records that could not be stored (oversize, failure)
  std::uint64_t popped = 0;   // records taken by Pop
  std::uint64_t consumed = 0; // records sent to Consume streams

  void count(proto::QueueCommand command)
  {
    auto code = static_cast<std::size_t>(command);
    if (code <= max_code)
      ++handled[code];
  }
};

} // namespace shoal::queuenode
