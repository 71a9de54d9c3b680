// The checkpoint file (<data-dir>/checkpoint.dat): how far each bucket open for appending is
// known good, and every channel's size at that moment. Written (atomically) before the first
// append to a bucket and periodically; deleted at a clean stop. Its presence at start-up means
// the node did not stop cleanly: every listed bucket is checked from its offset on.
//
// Format version 1, text, one item per line:
//   shoal-logfilesnode checkpoint 1
//   channel <name> <records> <value bytes>
//   bucket <name> <bucket start: 16 hex digits> <offset: decimal>
// The original (DLS) wrote "<channel> <bucket start> <offset>" lines only; a file without the
// first line is read that way (no sizes). A new version bumps the number and keeps this reader.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::logfilesnode {

inline constexpr std::string_view checkpoint_file = "checkpoint.dat";

struct Checkpoint {
  struct Channel {
    std::string name;
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    bool operator==(const Channel&) const = default;
  };
  struct Bucket {
    std::string channel;
    std::uint64_t start = 0;  // the bucket's first key
    std::uint64_t offset = 0; // every record before this offset is whole and synced
    bool operator==(const Bucket&) const = default;
  };
  std::vector<Channel> channels;
  std::vector<Bucket> buckets;
  bool has_sizes = false; // false for the original's format

  bool operator==(const Checkpoint&) const = default;
};

std::string encode_checkpoint(const Checkpoint& checkpoint);

// Parses a checkpoint file's text; Errc::bad_data naming path and line for anything else.
core::Result<Checkpoint> parse_checkpoint(std::string_view text, const std::string& path);

} // namespace shoal::logfilesnode
