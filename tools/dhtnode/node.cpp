// Node: start-up, the listening server, periodic work and the shutdown dump.
#include "node.hpp"

#include "dump_files.hpp"
#include "redistribute.hpp"
#include "server/listen.hpp"
#include "session.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/sd_notify.hpp"

#include <sys/mman.h>

#include <cstdio>

namespace shoal::dhtnode {

Node::Node(net::Loop& loop, Options opts)
    : m_loop(loop), m_opts(std::move(opts)), m_storage(m_opts.size_limit), m_range(m_opts.range),
      m_stats_timer(loop), m_dump_timer(loop), m_pumper(loop)
{
  m_limits.max_value = record_size_limit(m_opts.batch_size) + 1; // larger: skipped, ValueTooBig
  m_limits.max_batch = proto::batch_payload_bound(m_opts.batch_size);
  m_redistributor = std::make_unique<Redistributor>(*this);
}

Node::~Node() = default;

core::Status
Node::start()
{
  m_started_ms = core::now_ms();
  if (m_opts.lock_memory && mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
    return core::sys_error("--lock-memory: mlockall failed (raise LimitMEMLOCK, or run "
                           "without --lock-memory)",
                           errno);
  m_credentials = m_opts.credential_map;
  SHOAL_TRY(m_stats_log.open(m_opts.stats_log));
  SHOAL_TRY(load());
  SHOAL_TRY(listen());
  start_timers();
  return {};
}

core::Status
Node::load()
{
  core::sd_notify("STATUS=loading dump files");
  auto report = load_all(m_storage, m_opts);
  if (!report)
    return report.take_error();
  core::log_info("loaded {} records from {} dump files in {} ms ({} invalid keys, {} empty, {} too "
                 "large, {} out of range)",
                 report->records, report->files, core::now_ms() - m_started_ms,
                 report->invalid_keys, report->empty_values, report->too_large,
                 report->out_of_range);
  return {};
}

core::Status
Node::listen()
{
  // A whole PutBatch is buffered before it is read: the input bound must hold the largest.
  auto listening = server::listen_and_announce(
      m_loop, m_opts,
      [this](net::Connection& conn) { return std::make_unique<Session>(*this, conn); },
      m_limits.max_batch + 64 * 1024, "range " + m_range.str());
  if (!listening)
    return listening.take_error();
  m_server = std::move(listening->server);
  m_endpoint = listening->bound;
  return {};
}

void
Node::start_timers()
{
  m_stats_timer.start(m_opts.stats_period_ms, m_opts.stats_period_ms,
                      [this] { m_stats_log.write(stats_list()); });
  m_snapshot =
      std::make_unique<Snapshot>(m_loop, m_storage, m_opts.data_dir,
                                 [this](bool ok, std::uint64_t took) { snapshot_done(ok, took); });
  if (m_opts.dump_period_ms)
    m_dump_timer.start(m_opts.dump_period_ms, m_opts.dump_period_ms, [this] { snapshot(); });
}

void
Node::snapshot_done(bool ok, std::uint64_t took_ms)
{
  redo_removals();
  if (!ok) {
    ++m_stats.dump_failures;
    return;
  }
  ++m_stats.dumps;
  m_stats.last_dump_ms = took_ms;
}

void
Node::snapshot()
{
  if (m_stopping || !m_snapshot)
    return;
  if (!m_snapshot->start())
    core::log_warn("snapshot dump not started: one is running");
}

std::optional<client::AuthIdentity>
Node::peer_identity() const
{
  if (m_opts.peer_name.empty() || !m_credentials)
    return std::nullopt;
  auto key = m_credentials->find(m_opts.peer_name);
  if (key == m_credentials->end())
    return std::nullopt;
  return client::AuthIdentity{m_opts.peer_name, key->second};
}

void
Node::reload_credentials()
{
  if (m_opts.credentials.empty()) {
    core::log_info("SIGHUP: no credentials file to reload");
    return;
  }
  crypto::reload_credentials(m_opts.credentials, *m_credentials);
}

void
Node::shutdown()
{
  if (m_stopping)
    return;
  m_stopping = true;
  core::log_info("shutting down: dumping every channel");
  core::sd_notify("STOPPING=1\nSTATUS=dumping");
  if (m_server) {
    m_server->stop_listening();
    m_server->close_all();
  }
  m_stats_timer.stop();
  m_dump_timer.stop();
  m_pumper.stop();
  if (m_snapshot)
    m_snapshot->cancel();
  m_redistributor->stop();
  std::uint64_t start = core::now_ms();
  redo_removals(); // a cancelled snapshot may have written some already
  if (auto status = dump_all(m_storage, m_opts.data_dir); !status) {
    core::log_error("shutdown dump failed: {}", status.error().message);
    m_exit_code = core::exit_code(status.error().code);
    ++m_stats.dump_failures;
  } else {
    ++m_stats.dumps;
    core::log_info("dumped {} records in {} ms; bye", m_storage.total_records(),
                   core::now_ms() - start);
  }
  m_stats_log.write(stats_list());
  m_loop.stop();
}

void
Node::set_range(const proto::HashRange& range)
{
  m_range = range;
  core::log_info("hash range is now {}", range.str());
  core::sd_notify("STATUS=serving " + m_range.str() + " on " + m_endpoint.str());
  if (!m_opts.common.config_file.empty()) {
    if (auto status = rewrite_range(m_opts.common.config_file, range); !status)
      core::log_error("cannot record the new range in {}: {}", m_opts.common.config_file,
                      status.error().message);
  }
}

void
Node::redo_removals()
{
  // The snapshot was forked before these channels were removed and wrote their dumps again.
  for (const auto& name : m_removed_during_snapshot)
    if (!m_storage.find(name))
      if (auto status = move_to_deleted(m_opts.data_dir, name); !status)
        core::log_error("cannot move the dump of removed channel {}: {}", name,
                        status.error().message);
  m_removed_during_snapshot.clear();
}

void
Node::remove_channel(std::string_view name)
{
  if (!m_storage.remove(name))
    return;
  if (m_snapshot && m_snapshot->running())
    m_removed_during_snapshot.emplace_back(name);
  if (auto status = move_to_deleted(m_opts.data_dir, std::string(name)); !status)
    core::log_error("channel {} removed, but its dump file stays: {}", name,
                    status.error().message);
}

server::SessionContext
Node::session_context()
{
  return {m_loop, credentials(), m_session_counters, m_pumper};
}

core::StatsList
Node::stats_list() const
{
  core::StatsList s;
  s.add("uptime_s", (core::now_ms() - m_started_ms) / 1000);
  s.add("range", m_range.str());
  s.add("connections", static_cast<std::uint64_t>(connections()));
  s.add("bytes_received", m_server ? m_server->bytes_received() : 0);
  s.add("bytes_sent", m_server ? m_server->bytes_sent() : 0);
  s.add("total_records", m_storage.total_records());
  s.add("total_bytes", m_storage.total_bytes());
  s.add("size_limit", m_storage.size_limit());
  for (const auto& channel : m_storage.channels()) {
    s.add("channel/" + channel->name() + "/records", channel->records());
    s.add("channel/" + channel->name() + "/bytes", channel->bytes());
  }
  for (std::size_t code = 0; code <= NodeStats::max_code; ++code)
    if (m_stats.handled[code])
      s.add("request/" + std::string(proto::command_name(static_cast<proto::Command>(code))) +
                "/handled",
            m_stats.handled[code]);
  s.add("errors", m_session_counters.errors);
  s.add("malformed", m_session_counters.malformed);
  s.add("auth_refused", m_session_counters.auth_refused);
  s.add("written", m_stats.written);
  s.add("read", m_stats.read);
  s.add("iterated", m_stats.iterated);
  s.add("deleted", m_stats.deleted);
  s.add("forwarded", m_stats.forwarded);
  s.add("listen_sent", m_stats.listen_sent);
  s.add("listen_dropped", m_stats.listen_dropped);
  s.add("dumps", m_stats.dumps);
  s.add("dump_failures", m_stats.dump_failures);
  s.add("last_dump_ms", m_stats.last_dump_ms);
  return s;
}

} // namespace shoal::dhtnode
