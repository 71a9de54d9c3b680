// Dumper: the timers, the cycles, the stats line and systemd notifications.
#include "dumper.hpp"

#include "core/log.hpp"
#include "core/sd_notify.hpp"

#include <fmt/core.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <random>

namespace shoal::dhtdump {

namespace {
// "250 ms" below ten seconds, whole seconds above, for logs and systemd's status line.
std::string
duration_text(std::uint64_t ms)
{
  if (ms < 10'000 && ms % 1000 != 0)
    return fmt::format("{} ms", ms);
  return fmt::format("{} s", (ms + 500) / 1000);
}

std::uint64_t
random_u64()
{
  std::random_device device;
  return std::uint64_t{device()} << 32 | device();
}
} // namespace

core::Status
check_data_dir(const std::string& dir)
{
  struct stat st {
  };
  if (::stat(dir.c_str(), &st) != 0) {
    int e = errno;
    auto error = core::sys_error("data directory " + dir, e);
    if (e == ENOENT)
      error = core::make_error(core::Errc::not_found,
                               "data directory " + dir +
                                   " does not exist (it is the node's; create it or start "
                                   "the node first)");
    return error;
  }
  if (!S_ISDIR(st.st_mode))
    return core::make_error(core::Errc::not_found, "data directory " + dir + " is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return core::sys_error("data directory " + dir + " is not writable", errno);
  return {};
}

Dumper::Dumper(net::Loop& loop, Options opts)
    : m_loop(loop), m_opts(std::move(opts)), m_client(loop, m_opts.endpoint, m_opts.client),
      m_wait(loop), m_stats_timer(loop)
{
}

Dumper::~Dumper() = default;

core::Status
Dumper::start()
{
  SHOAL_TRY(check_data_dir(m_opts.data_dir));
  SHOAL_TRY(m_stats_log.open(m_opts.stats_log));
  m_stats_timer.start(m_opts.stats_period_ms, m_opts.stats_period_ms,
                      [this] { m_stats_log.write(m_stats.report()); });
  std::uint64_t delay = m_opts.oneshot ? 0
                                       : initial_delay_ms(m_opts.initial_delay,
                                                          m_opts.schedule.period_ms, random_u64());
  if (m_opts.oneshot)
    core::log_info("dumping node {} into {} once", m_opts.endpoint.str(), m_opts.data_dir);
  else
    core::log_info("dumping node {} into {} every {}; first dump in {}", m_opts.endpoint.str(),
                   m_opts.data_dir, duration_text(m_opts.schedule.period_ms), duration_text(delay));
  core::sd_notify("READY=1");
  schedule(delay);
  return {};
}

void
Dumper::schedule(std::uint64_t ms)
{
  core::sd_notify("STATUS=next dump in " + duration_text(ms));
  m_wait.start(ms, 0, [this] { start_cycle(); });
}

void
Dumper::start_cycle()
{
  ++m_cycle_number;
  core::log_debug("dump cycle {} starts", m_cycle_number);
  // The previous cycle is destroyed here, from a timer, never inside its own callback.
  m_cycle =
      std::make_unique<DumpCycle>(m_loop, m_client, m_stats, m_opts.data_dir,
                                  [this](const CycleReport& report) { on_cycle_done(report); });
  m_cycle->start();
}

void
Dumper::on_cycle_done(const CycleReport& report)
{
  bool ok = report.outcome == CycleOutcome::done;
  if (report.outcome != CycleOutcome::interrupted)
    m_stats.cycle_ended(ok, report.ms);
  if (ok)
    m_succeeded = true;
  if (report.outcome == CycleOutcome::failed)
    m_failure_code = core::exit_code(report.error->code);
  bool last = m_stopping || (ok && m_opts.oneshot);
  Wait wait = m_opts.schedule.next(ok, report.ms);
  log_cycle(report, last ? std::nullopt : std::optional<Wait>(wait));
  if (last)
    stop_loop();
  else
    schedule(wait.ms);
}

void
Dumper::log_cycle(const CycleReport& report, std::optional<Wait> next)
{
  std::string then = next ? "; next in " + duration_text(next->ms) : "";
  switch (report.outcome) {
  case CycleOutcome::done:
    core::log_info("dump cycle {} done: {} channels, {} records, {} bytes in {} ms{}",
                   m_cycle_number, report.channels, report.records, report.bytes, report.ms, then);
    if (next && next->clamped)
      core::log_warn("the cycle took {}, too long for --period {}: waiting --min-wait instead",
                     duration_text(report.ms), duration_text(m_opts.schedule.period_ms));
    break;
  case CycleOutcome::failed:
    core::log_error("dump cycle {} failed after {} ms, {} channels dumped: {}{}", m_cycle_number,
                    report.ms, report.channels, report.error->message,
                    next ? "; retrying in " + duration_text(next->ms) : "");
    break;
  case CycleOutcome::interrupted:
    core::log_info("dump cycle {} interrupted after {} channels", m_cycle_number, report.channels);
    break;
  }
}

void
Dumper::shutdown()
{
  if (m_stopping)
    return;
  m_stopping = true;
  core::sd_notify("STOPPING=1");
  m_wait.stop();
  bool running = m_cycle && m_cycle->running();
  if (m_cycle && !m_cycle->stop()) {
    core::log_info("stopping once the file being synced is in place");
    return; // on_cycle_done stops the loop
  }
  if (running)
    core::log_info("stopping: the dump in progress is abandoned, its temporary file deleted");
  else
    core::log_info("stopping");
  stop_loop();
}

void
Dumper::stop_loop()
{
  if (!m_stopping) // a --oneshot that is done; shutdown() told systemd already
    core::sd_notify("STOPPING=1");
  m_wait.stop();
  m_stats_timer.stop();
  m_stats_log.write(m_stats.report());
  m_loop.stop();
}

int
Dumper::exit_code() const
{
  if (!m_opts.oneshot || m_succeeded)
    return 0;
  return m_failure_code.value_or(exit_interrupted);
}

} // namespace shoal::dhtdump
