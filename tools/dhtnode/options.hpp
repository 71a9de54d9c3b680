// dhtnode's option table: every setting, as a --flag and as a config-file name.
#pragma once

#include "server/serve_options.hpp"

#include "cfg/common.hpp"
#include "proto/hash_range.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace shoal::dhtnode {

// What to do with records of a dump file that lie outside the node's range (at start-up).
enum class OutOfRange { load, fatal, ignore };

struct Options : server::ServeOptions {
  cfg::CommonOptions common;
  std::string data_dir = "data"; // dump files (<channel>.tcm) and deleted/
  std::string range_text = "0x0000000000000000:0xffffffffffffffff";
  proto::HashRange range;               // parsed range_text
  std::uint64_t size_limit = 0;         // bytes of records (keys + values); 0 = no limit
  std::uint64_t batch_size = 64 * 1024; // compressed batch size, also the record size limit
  std::string out_of_range_text = "load";
  OutOfRange out_of_range = OutOfRange::load;
  std::uint64_t abort_after_out_of_range = 10'000; // all-out-of-range records before giving up
  bool load_damaged = false;                       // load the readable part of a damaged dump file
  std::uint64_t dump_period_ms = 0;                // periodic snapshot dumps; 0 = only at shutdown
  std::string peer_name;    // authenticate to other nodes (Redistribute) as this credential
  bool lock_memory = false; // mlockall so that the records never swap
};

// Declares every option on app (the option table), bound to opts.
void add_options(CLI::App& app, Options& opts);

// Checks and converts what CLI11 cannot: the address, the range, the policy, the
// credentials file (loaded). Errors name the option.
core::Status finish_options(Options& opts);

} // namespace shoal::dhtnode

namespace shoal::dhtnode {

// Records a new range in the config file: replaces its `range = ...` line (or appends one),
// atomically, keeping every other line as it was.
core::Status rewrite_range(const std::string& config_file, const proto::HashRange& range);

} // namespace shoal::dhtnode
