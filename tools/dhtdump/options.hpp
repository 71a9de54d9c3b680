// dhtdump's option table: every setting, as a --flag and as a config-file name.
#pragma once

#include "schedule.hpp"

#include "cfg/common.hpp"
#include "client/node_options.hpp"
#include "core/result.hpp"
#include "net/endpoint.hpp"

#include <cstdint>
#include <string>

namespace shoal::dhtdump {

struct Options {
  cfg::CommonOptions common;
  std::string node;     // HOST:PORT of the one dhtnode to dump
  std::string data_dir; // where <channel>.tcm go; must exist
  bool oneshot = false; // one cycle now, retried until it succeeds, then exit
  Schedule schedule;    // --period, --min-wait, --retry-wait
  std::string initial_delay_text = "random";
  std::string stats_log = "-"; // "-" = stderr, "" = none
  std::uint64_t stats_period_ms = 30'000;
  std::string credentials_name;
  std::string credentials_key_file;
  std::uint64_t timeout_ms = 30'000; // silence tolerated from the node; 0 = forever

  // Filled in by finish_options:
  net::Endpoint endpoint;
  InitialDelay initial_delay;
  client::NodeClientOptions client;
};

// Declares every option on app (the option table), bound to opts.
void add_options(CLI::App& app, Options& opts);

// Checks and converts what CLI11 cannot (the node address, the initial delay, the credentials,
// the relations between durations); errors are config (or usage) errors. The data directory is
// checked at start-up, not here.
core::Status finish_options(Options& opts);

} // namespace shoal::dhtdump
