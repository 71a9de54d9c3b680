// The bucket files of one channel directory, in key order, optionally within a key range:
// what range reads, start-up counting and the checker walk.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace shoal::store {

struct BucketEntry {
  std::string path;
  std::uint64_t first_key = 0; // from the names
  bool compressed = false;     // "<bucket>.gz" of the retention job
};

// The buckets of channel_dir whose 4096 keys meet [min_key, max_key], ascending by key; a
// bucket present both plain and compressed is listed twice (plain first). Names that are not
// 10 / 3 hex digits (and "<3 hex>.gz") are skipped. A missing channel_dir has no buckets.
core::Result<std::vector<BucketEntry>> list_buckets(const std::string& channel_dir,
                                                    std::uint64_t min_key = 0,
                                                    std::uint64_t max_key = ~std::uint64_t{0});

} // namespace shoal::store
