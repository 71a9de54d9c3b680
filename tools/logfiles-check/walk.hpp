// Finding the bucket files to check: a channel directory's slot directories and bucket files in
// ascending key order, a single bucket file, or every channel of a data directory (--all).
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace shoal::logfiles_check {

// One bucket file to check.
struct BucketFile {
  std::string path;            // as found: the PATH given joined with slot/bucket
  std::uint64_t first_key = 0; // from the slot and bucket names
  std::uint64_t size = 0;      // bytes on disk (compressed for ".gz")
  bool compressed = false;     // a "*.gz" of the retention job
};

// The files of one channel directory, and what the walk left out.
struct Channel {
  std::string path; // the channel directory (as given, or DATA_DIR/name)
  std::vector<BucketFile> files;
  std::uint64_t gz_skipped = 0;       // "*.gz" buckets left out (no --gz)
  std::uint64_t gz_skipped_bytes = 0; // their compressed size
  std::uint64_t strays = 0;           // names that are neither slot nor bucket (warned about)
  std::vector<std::string> warnings;  // one per stray, for the caller to print
};

struct WalkOptions {
  bool all = false; // PATH is a data directory: every directory in it is a channel
  bool gz = false;  // check "*.gz" buckets too
};

// The channels named by paths, in the order given (--all: each data directory's channels in
// name order). A single bucket file makes a channel of its own, named by its grandparent
// directory. Errc::not_found for a path that does not exist, Errc::usage for a file whose name
// is not slot/bucket, Errc::io when a directory cannot be read.
core::Result<std::vector<Channel>> find_buckets(const std::vector<std::string>& paths,
                                                const WalkOptions& opts);

// The files of one channel directory, slots then buckets in ascending key order. Names with a
// dot other than "<bucket>.gz" (".repairing", ".broken", temporary files) are ignored silently,
// as is the 2014 node's "sizeinfo"; any other name that is not 10 (slot) or 3 (bucket) hex
// digits is counted as a stray with a warning.
core::Result<Channel> walk_channel(const std::string& dir, const WalkOptions& opts);

} // namespace shoal::logfiles_check
