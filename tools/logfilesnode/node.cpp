// Node: start-up (recovery, the writer), the listening server, the writer's results, stats and
// the shutdown.
#include "node.hpp"

#include "recovery.hpp"
#include "server/listen.hpp"
#include "session.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/sd_notify.hpp"
#include "proto/batch.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace shoal::logfilesnode {

Node::Node(net::Loop& loop, Options opts)
    : m_loop(loop), m_opts(std::move(opts)), m_stats_timer(loop),
      m_writer_done(loop, [this] { on_writer(); }), m_publish(loop,
                                                              [this] {
                                                                if (m_writer)
                                                                  m_writer->publish();
                                                              }),
      m_pumper(loop)
{
  m_limits.max_value = m_opts.max_value; // larger: skipped, ValueTooBig
  m_limits.max_batch = proto::batch_payload_bound(m_opts.batch_size);
}

Node::~Node() = default;

core::Status
Node::start()
{
  m_started_ms = core::now_ms();
  m_credentials = m_opts.credential_map;
  SHOAL_TRY(m_stats_log.open(m_opts.stats_log));
  SHOAL_TRY(recover());
  SHOAL_TRY(listen());
  m_stats_timer.start(m_opts.stats_period_ms, m_opts.stats_period_ms,
                      [this] { m_stats_log.write(stats_list()); });
  return {};
}

core::Status
Node::recover()
{
  core::sd_notify("STATUS=checking the data directory");
  std::error_code ec;
  std::filesystem::create_directories(m_opts.data_dir, ec);
  if (ec)
    return core::make_error(core::Errc::io,
                            "cannot create " + m_opts.data_dir + ": " + ec.message());
  auto report = logfilesnode::recover(m_opts.data_dir, m_opts.max_value);
  if (!report)
    return report.take_error();
  std::vector<Writer::KnownChannel> known;
  for (const auto& c : report->channels)
    known.push_back({m_channels.add_existing(c.name), c.name, c.size});
  if (report->crashed)
    core::log_warn("the last run did not stop cleanly: checked {} buckets from their checkpoint, "
                   "kept {} records written after it, cut {} damaged bytes",
                   report->buckets_checked, report->records_recovered, report->bytes_cut);
  core::log_info("{} channels in {} ({} counted by reading them) in {} ms", known.size(),
                 m_opts.data_dir, report->channels_counted, core::now_ms() - m_started_ms);
  WriterOptions w;
  w.data_dir = m_opts.data_dir;
  w.sync = m_opts.sync;
  w.interval = std::chrono::milliseconds(m_opts.sync_interval_ms);
  w.max_open_files = m_opts.max_open_files;
  w.checkpoint_interval = std::chrono::milliseconds(m_opts.checkpoint_ms);
  w.wakeup = [this] { m_writer_done.send(); };
  m_writer = std::make_unique<Writer>(std::move(w), known);
  return {};
}

core::Status
Node::listen()
{
  // A whole PutBatch is buffered before it is read: the input bound must hold the largest.
  auto listening = server::listen_and_announce(
      m_loop, m_opts,
      [this](net::Connection& conn) { return std::make_unique<Session>(*this, conn); },
      std::max<std::size_t>(m_limits.max_batch, m_limits.max_value) + 64 * 1024,
      std::string(m_opts.sync ? "logs (--sync)" : "logs") + " range " + m_opts.range.str());
  if (!listening)
    return listening.take_error();
  m_server = std::move(listening->server);
  m_endpoint = listening->bound;
  return {};
}

// The writer finished groups: answer the writes that waited, wake throttled writers.
void
Node::on_writer()
{
  m_results.clear();
  m_writer->take_results(m_results);
  if (m_results.empty())
    return;
  m_failed.clear();
  std::uint64_t done = 0;
  for (GroupResult& r : m_results) {
    done = std::max(done, r.last_seq);
    m_failed.insert(m_failed.end(), r.failed.begin(), r.failed.end());
    if (!r.failed.empty()) {
      m_stats.write_failures += r.failed.size();
      core::log_error("{} records not written: {}", r.failed.size(), r.error);
    }
  }
  std::sort(m_failed.begin(), m_failed.end());
  auto waiting = m_waiting; // release() may forget sessions
  for (Session* s : waiting)
    s->release(done, m_failed);
  if (!disk_behind() && !m_throttled.empty()) {
    auto throttled = std::move(m_throttled);
    m_throttled.clear();
    for (Session* s : throttled)
      s->release_input();
  }
}

void
Node::throttle(Session* session)
{
  ++m_stats.throttled;
  m_throttled.insert(session);
}

void
Node::forget(Session* session)
{
  m_waiting.erase(session);
  m_throttled.erase(session);
}

std::uint64_t
Node::remove_channel(std::string_view name)
{
  auto id = m_channels.remove(name);
  return id ? m_writer->remove_channel(*id) : 0;
}

ChannelSize
Node::size_of(std::string_view name) const
{
  auto id = m_channels.find(name);
  return id ? m_writer->size_of(*id) : ChannelSize{};
}

ChannelSize
Node::total_size() const
{
  ChannelSize total;
  for (const auto& [name, id] : m_channels.all())
    total += m_writer->size_of(id);
  return total;
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
  core::log_info("shutting down: writing what is buffered and syncing every bucket");
  core::sd_notify("STOPPING=1\nSTATUS=syncing");
  if (m_server) {
    m_server->stop_listening();
    m_server->close_all();
  }
  m_stats_timer.stop();
  m_pumper.stop();
  if (m_writer) {
    if (auto status = m_writer->stop(); !status) {
      core::log_error("shutdown: {}; the next start checks the buckets", status.error().message);
      m_exit_code = core::exit_code(status.error().code);
    } else {
      core::log_info("every bucket synced; bye");
    }
  }
  m_stats_log.write(stats_list());
  m_loop.stop();
}

server::SessionContext
Node::session_context()
{
  return {m_loop, m_credentials ? &*m_credentials : nullptr, m_session_counters, m_pumper};
}

core::StatsList
Node::stats_list() const
{
  core::StatsList s;
  s.add("uptime_s", (core::now_ms() - m_started_ms) / 1000);
  s.add("range", m_opts.range.str());
  s.add("connections", static_cast<std::uint64_t>(connections()));
  s.add("bytes_received", m_server ? m_server->bytes_received() : 0);
  s.add("bytes_sent", m_server ? m_server->bytes_sent() : 0);
  ChannelSize total = m_writer ? total_size() : ChannelSize{};
  s.add("total_records", total.records);
  s.add("total_bytes", total.bytes);
  if (m_writer)
    for (const auto& [name, id] : m_channels.all()) {
      ChannelSize size = m_writer->size_of(id);
      s.add("channel/" + name + "/records", size.records);
      s.add("channel/" + name + "/bytes", size.bytes);
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
  s.add("write_failures", m_stats.write_failures);
  s.add("iterated", m_stats.iterated);
  s.add("iterated_uncompressed", m_stats.iterated_uncompressed);
  s.add("damaged_reads", m_stats.damaged_reads);
  s.add("compressed_buckets_read", m_stats.compressed_read);
  s.add("write_backlog_bytes", m_writer ? m_writer->backlog() : 0);
  Writer::Counters writer = m_writer ? m_writer->counters() : Writer::Counters{};
  s.add("write_groups", writer.groups);
  s.add("syncs", writer.syncs);
  s.add("sync_ms", writer.sync_us / 1000);
  s.add("throttled", m_stats.throttled);
  return s;
}

} // namespace shoal::logfilesnode
