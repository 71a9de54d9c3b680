// Dumper: the dhtdump process. Waits, runs a DumpCycle, waits again (or retries), writes the
// stats line, talks to systemd, and on SIGTERM abandons a dump in progress and stops the loop.
#pragma once

#include "dump_cycle.hpp"
#include "dump_stats.hpp"
#include "options.hpp"

#include "client/node_client.hpp"
#include "core/result.hpp"
#include "core/stats.hpp"
#include "net/loop.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace shoal::dhtdump {

// The exit status of --oneshot stopped by a signal before any cycle ended (EX_TEMPFAIL).
inline constexpr int exit_interrupted = 75;

class Dumper
{
public:
  // Everything runs on loop; opts must have been through finish_options.
  Dumper(net::Loop& loop, Options opts);
  Dumper(const Dumper&) = delete;
  Dumper& operator=(const Dumper&) = delete;
  ~Dumper();

  // Checks the data directory (Errc::not_found if it is missing), opens the stats log, tells
  // systemd READY=1 and schedules the first cycle: at once with --oneshot, else after the
  // initial delay.
  core::Status start();
  // Stops (SIGTERM, SIGINT): cancels the wait, abandons a dump in progress (its temporary file
  // is deleted; a file already being synced is finished first), writes a last stats line and
  // stops the loop. Idempotent.
  void shutdown();
  // The process's exit status once the loop has stopped: 0, except for --oneshot stopped before
  // a cycle succeeded: the sysexits code of the last failure, or exit_interrupted.
  int exit_code() const;

private:
  void schedule(std::uint64_t ms);
  void start_cycle();
  void on_cycle_done(const CycleReport& report);
  // Logs how a cycle ended and, unless it was the last, what comes next.
  void log_cycle(const CycleReport& report, std::optional<Wait> next);
  void stop_loop();

  net::Loop& m_loop;
  Options m_opts;
  client::NodeClient m_client;
  DumpStats m_stats;
  core::StatsLog m_stats_log;
  net::Timer m_wait;
  net::Timer m_stats_timer;
  std::unique_ptr<DumpCycle> m_cycle; // the running or the last cycle
  std::uint64_t m_cycle_number = 0;
  std::optional<int> m_failure_code; // of the last failed cycle
  bool m_succeeded = false;          // a cycle completed
  bool m_stopping = false;
};

// Checks that dir exists and is a writable directory (Errc::not_found if it is missing or no
// directory, Errc::io if it cannot be written).
core::Status check_data_dir(const std::string& dir);

} // namespace shoal::dhtdump
