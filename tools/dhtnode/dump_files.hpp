// Dump files of a dhtnode data directory: writing channels to <channel>.tcm atomically,
// loading them at start-up with the rules of specs/swarm.md §1.7-1.8, and keeping the file of a
// removed channel under deleted/ so that a restart does not bring the channel back.
#pragma once

#include "options.hpp"
#include "storage.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <string>

namespace shoal::dhtnode {

// What a start-up load found, for the log and the tests.
struct LoadReport {
  std::uint64_t files = 0;
  std::uint64_t records = 0;
  std::uint64_t invalid_keys = 0;  // not 16 lowercase hex digits: skipped
  std::uint64_t empty_values = 0;  // skipped
  std::uint64_t too_large = 0;     // values over the record size limit: skipped
  std::uint64_t out_of_range = 0;  // loaded or skipped, per --out-of-range
  std::uint64_t damaged_files = 0; // loaded in part (--load-damaged)
};

// The largest value a node stores: a record must fit in one batch of batch_size bytes
// (specs/swarm.md §1.1: batch size minus 16 + 2 * 8 bytes).
std::uint64_t record_size_limit(std::uint64_t batch_size);

// Loads every <channel>.tcm of opts.data_dir into storage (creating the directory if needed).
// A damaged file stops the load with an error naming the file and offset, unless
// opts.load_damaged; unfinished dumps (*.dumping), empty files and other files are skipped
// with a warning.
core::Result<LoadReport> load_all(Storage& storage, const Options& opts);

// Writes one channel to <dir>/<channel>.tcm through a temporary file; the old dump stays
// intact until the new one is complete. Returns the number of records written.
core::Result<std::uint64_t> dump_channel(const Channel& channel, const std::string& dir);

// Dumps every channel; stops at the first error (the earlier channels' files are complete).
core::Status dump_all(const Storage& storage, const std::string& dir);

// Moves <dir>/<channel>.tcm to <dir>/deleted/<channel>.tcm (if it exists).
core::Status move_to_deleted(const std::string& dir, const std::string& channel);

} // namespace shoal::dhtnode
