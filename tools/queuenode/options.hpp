// queuenode's option table: every setting, as a --flag and as a config-file name.
#pragma once

#include "server/serve_options.hpp"

#include "cfg/common.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shoal::queuenode {

struct Options : server::ServeOptions {
  cfg::CommonOptions common;
  std::string data_dir = "data";               // .rq files, overflow files, the journal
  std::uint64_t channel_size = 64ULL << 20;    // ring bytes per channel (per subscriber)
  std::vector<std::string> channel_size_texts; // PREFIX=SIZE overrides
  std::vector<std::pair<std::string, std::uint64_t>> channel_sizes; // parsed, longest first
  std::uint64_t size_limit = 0;              // ring bytes over all channels; 0 = no limit
  std::uint64_t overflow_limit = 1ULL << 30; // disk bytes for overflow; 0 = no overflow
  std::uint64_t max_value = 1ULL << 20;      // largest record accepted
  std::size_t max_subscribers = 16;          // subscribers per channel
  std::uint64_t subscriber_idle_ms = 24ULL * 3600 * 1000; // drop a subscription unused so long
  bool durable = false;               // journal every push, fsync before the reply
  std::uint64_t sync_interval_ms = 1; // group commit interval of the journal
};

// Declares every option on app (the option table), bound to opts.
void add_options(CLI::App& app, Options& opts);

// Checks and converts what CLI11 cannot: the address, the per-prefix sizes, the credentials
// file (loaded). Errors name the option.
core::Status finish_options(Options& opts);

// The ring size of a channel: the longest matching --channel-size-for prefix, else the default.
std::uint64_t ring_size_for(const Options& opts, std::string_view channel);

} // namespace shoal::queuenode
