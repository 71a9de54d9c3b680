// queuenode's option table: every setting, as a --flag and as a config-file name.
#pragma once

#include "crypto/credentials.hpp"

#include "cfg/common.hpp"
#include "net/endpoint.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shoal::queuenode {

struct Options {
  cfg::CommonOptions common;
  std::string listen;                          // HOST:PORT; port 0 picks a free port
  net::Endpoint endpoint;                      // parsed listen
  std::string data_dir = "data";               // .rq files, overflow files, the journal
  std::uint64_t channel_size = 64ULL << 20;    // ring bytes per channel (per subscriber)
  std::vector<std::string> channel_size_texts; // PREFIX=SIZE overrides
  std::vector<std::pair<std::string, std::uint64_t>> channel_sizes; // parsed, longest first
  std::uint64_t size_limit = 0;              // ring bytes over all channels; 0 = no limit
  std::uint64_t overflow_limit = 1ULL << 30; // disk bytes for overflow; 0 = no overflow
  std::uint64_t max_value = 1ULL << 20;      // largest record accepted
  std::size_t max_subscribers = 16;          // subscribers per channel
  std::uint64_t subscriber_idle_ms = 24ULL * 3600 * 1000; // drop a subscription unused so long
  bool durable = false;                              // journal every push, fsync before the reply
  std::uint64_t sync_interval_ms = 1;                // group commit interval of the journal
  std::string credentials;                           // name:key file; set = authentication required
  std::optional<crypto::Credentials> credential_map; // loaded from credentials
  std::size_t connection_limit = 5000;
  int backlog = 2048;
  std::string stats_log = "-"; // "-" = stderr, "" = none
  std::uint64_t stats_period_ms = 30'000;
};

// Declares every option on app (the option table), bound to opts.
void add_options(CLI::App& app, Options& opts);

// Checks and converts what CLI11 cannot: the address, the per-prefix sizes, the credentials
// file (loaded). Errors name the option.
core::Status finish_options(Options& opts);

// The ring size of a channel: the longest matching --channel-size-for prefix, else the default.
std::uint64_t ring_size_for(const Options& opts, std::string_view channel);

} // namespace shoal::queuenode
