// logfilesnode's option table: every setting, as a --flag and as a config-file name.
#pragma once

#include "server/serve_options.hpp"

#include "cfg/common.hpp"
#include "proto/hash_range.hpp"

#include <cstdint>
#include <string>

namespace shoal::logfilesnode {

struct Options : server::ServeOptions {
  cfg::CommonOptions common;
  std::string data_dir = "data"; // <channel>/<slot>/<bucket> files, checkpoint.dat
  std::string range_text = "0x0000000000000000:0xffffffffffffffff";
  proto::HashRange range;                  // bit-swapped timestamps this node takes Puts for
  bool sync = false;                       // fdatasync each group before acknowledging it
  std::uint64_t sync_interval_ms = 1;      // --sync: how long a group gathers
  std::uint64_t max_value = 16ULL << 20;   // largest record accepted
  std::uint64_t batch_size = 64 * 1024;    // GetRange/GetAll batches, PutBatch limit
  std::size_t max_open_files = 64;         // buckets open for appending
  std::uint64_t checkpoint_ms = 60'000;    // how often every open bucket is synced and recorded
  std::uint64_t max_backlog = 64ULL << 20; // bytes waiting for the disk before writers wait
};

// Declares every option on app (the option table), bound to opts.
void add_options(CLI::App& app, Options& opts);

// Checks and converts what CLI11 cannot: the address, the range, the credentials file.
core::Status finish_options(Options& opts);

} // namespace shoal::logfilesnode
