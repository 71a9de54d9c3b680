// Hash ranges: which keys a DHT node is responsible for (specs/swarm.md §1.2). A node owns the
// inclusive range [min, max] of BIT-REVERSED keys, so that sequential keys spread over nodes.
#pragma once

#include "core/hex.hpp"
#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::proto {

struct HashRange {
  std::uint64_t min = 0;
  std::uint64_t max = ~std::uint64_t{0};

  // The whole 64-bit space.
  static constexpr HashRange full() { return {0, ~std::uint64_t{0}}; }
  // The empty range of a node awaiting a redistribution (min > max, as on the wire).
  static constexpr HashRange none() { return {~std::uint64_t{0}, 0}; }

  bool empty() const { return min > max; }
  // True if the position (an already bit-reversed key) lies in [min, max].
  bool contains(std::uint64_t position) const { return min <= position && position <= max; }
  // True if this range holds key: the swarm test bitswap(key) in [min, max].
  bool responsible_for(std::uint64_t key) const { return contains(core::bit_reverse(key)); }
  // "MIN:MAX" as two 16-digit hex numbers, or "none" for the empty range.
  std::string str() const;
  bool operator==(const HashRange&) const = default;
};

// Parses "MIN:MAX" (hex, 0x optional, 1-16 digits each) or "none"; MIN must not exceed MAX.
core::Result<HashRange> parse_hash_range(std::string_view text);

// Checks that the non-empty ranges cover the whole 64-bit space exactly once; the error names
// the first gap or overlap.
core::Status check_coverage(std::vector<HashRange> ranges);

// The ranges of n nodes splitting the whole space evenly (for scripts/cluster and tests).
std::vector<HashRange> split_evenly(unsigned n);

} // namespace shoal::proto
