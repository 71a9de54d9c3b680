// Node: start-up, the listening server, housekeeping, durable acknowledgements and shutdown.
#include "node.hpp"

#include "server/listen.hpp"
#include "session.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/sd_notify.hpp"

#include <algorithm>
#include <cstdio>

namespace shoal::queuenode {

Node::Node(net::Loop& loop, Options opts)
    : m_loop(loop), m_opts(std::move(opts)), m_pumper(loop),
      m_synced_async(loop, [this] { on_synced(); }), m_stats_timer(loop), m_housekeeping(loop)
{
  m_limits.max_value = m_opts.max_value;
}

Node::~Node() = default;

core::Status
Node::start()
{
  m_started_ms = core::now_ms();
  SHOAL_TRY(m_stats_log.open(m_opts.stats_log));
  SHOAL_TRY(open_store());
  SHOAL_TRY(listen());
  m_stats_timer.start(m_opts.stats_period_ms, m_opts.stats_period_ms,
                      [this] { m_stats_log.write(stats_list()); });
  m_housekeeping.start(1000, 1000, [this] { housekeeping(); });
  return {};
}

core::Status
Node::open_store()
{
  core::sd_notify("STATUS=loading queues");
  StoreOptions so;
  so.dir = m_opts.data_dir;
  so.overflow_limit = m_opts.overflow_limit;
  so.ring_limit = m_opts.size_limit;
  so.durable = m_opts.durable;
  so.journal.interval = std::chrono::milliseconds(m_opts.sync_interval_ms);
  so.journal.wakeup = [this] { m_synced_async.send(); }; // on the sync thread
  auto store = Store::open(
      so, [this](const QueueName& name) { return ring_size_for(m_opts, name.channel); });
  if (!store)
    return store.take_error();
  m_store = std::move(*store);
  if (m_store->durable())
    m_publish = std::make_unique<net::Prepare>(m_loop, [this] { m_store->publish_journal(); });
  m_channels =
      std::make_unique<Channels>(*m_store, m_opts.max_subscribers, m_opts.subscriber_idle_ms);
  m_channels->adopt_loaded(now_ms());
  const auto& report = m_store->load_report();
  core::log_info("loaded {} queues, {} records ({} bytes){} in {} ms", report.queues,
                 report.records, report.bytes,
                 report.replayed ? fmt::format(", {} journal entries replayed", report.replayed)
                                 : std::string(),
                 core::now_ms() - m_started_ms);
  return {};
}

core::Status
Node::listen()
{
  // A whole record is buffered before it is stored: the input bound must hold the largest
  // (with its channel names), plus the read that may follow it while a Produce is held back.
  auto listening = server::listen_and_announce(
      m_loop, m_opts,
      [this](net::Connection& conn) { return std::make_unique<Session>(*this, conn); },
      m_opts.max_value + 256 * 1024, m_opts.data_dir + (m_opts.durable ? " (durable)" : ""));
  if (!listening)
    return listening.take_error();
  m_server = std::move(listening->server);
  m_endpoint = listening->bound;
  return {};
}

server::SessionContext
Node::session_context()
{
  const crypto::Credentials* credentials =
      m_opts.credential_map ? &*m_opts.credential_map : nullptr;
  return {m_loop, credentials, m_session_counters, m_pumper};
}

std::uint64_t
Node::synced() const
{
  return m_store && m_store->durable() ? m_store->synced_seq()
                                       : std::numeric_limits<std::uint64_t>::max();
}

void
Node::on_synced()
{
  if (!m_store)
    return;
  if (m_store->journal_failed())
    core::log_error("journal: {}; pushes are refused until a checkpoint succeeds",
                    m_store->journal_error().message);
  std::uint64_t synced = m_store->synced_seq();
  auto waiting = m_waiting; // release_acks() may forget sessions
  for (Session* s : waiting)
    s->release_acks(synced);
}

void
Node::housekeeping()
{
  m_channels->drop_idle(now_ms());
  if (!m_store->durable()) {
    if (auto status = m_store->flush_overflow(); !status)
      core::log_error("overflow: {}", status.error().message);
    return;
  }
  if (m_store->checkpoint_due()) {
    std::uint64_t start = core::now_ms();
    if (auto status = m_store->checkpoint(); !status)
      core::log_error("checkpoint failed: {}", status.error().message);
    else
      core::log_info("checkpoint written in {} ms", core::now_ms() - start);
  }
}

void
Node::reload_credentials()
{
  if (!m_opts.credential_map) {
    core::log_info("SIGHUP: no credentials file to reload");
    return;
  }
  crypto::reload_credentials(m_opts.credentials, *m_opts.credential_map);
}

void
Node::shutdown()
{
  if (m_stopping)
    return;
  m_stopping = true;
  core::log_info("shutting down: saving every queue");
  core::sd_notify("STOPPING=1\nSTATUS=saving queues");
  if (m_server) {
    m_server->stop_listening();
    m_server->close_all();
  }
  m_stats_timer.stop();
  m_housekeeping.stop();
  m_pumper.stop();
  std::uint64_t start = core::now_ms();
  if (m_store) {
    if (auto status = m_store->save(); !status) {
      core::log_error("saving the queues failed: {}", status.error().message);
      m_exit_code = core::exit_code(status.error().code);
    } else {
      core::log_info("saved {} records in {} ms; bye", total_records(), core::now_ms() - start);
    }
  }
  m_stats_log.write(stats_list());
  m_loop.stop();
}

std::uint64_t
Node::total_records() const
{
  std::uint64_t n = 0;
  if (m_store)
    for (const Queue* q : m_store->queues())
      n += q->records();
  return n;
}

std::uint64_t
Node::total_bytes() const
{
  std::uint64_t n = 0;
  if (m_store)
    for (const Queue* q : m_store->queues())
      n += q->bytes();
  return n;
}

core::StatsList
Node::stats_list() const
{
  core::StatsList s;
  s.add("uptime_s", (core::now_ms() - m_started_ms) / 1000);
  s.add("connections", static_cast<std::uint64_t>(connections()));
  s.add("bytes_received", m_server ? m_server->bytes_received() : 0);
  s.add("bytes_sent", m_server ? m_server->bytes_sent() : 0);
  s.add("total_records", total_records());
  s.add("total_bytes", total_bytes());
  s.add("overflow_bytes", m_store ? m_store->overflow_used() : 0);
  s.add("overflow_limit", m_opts.overflow_limit);
  if (m_channels) {
    for (const auto& name : m_channels->names()) {
      std::uint64_t records = 0, bytes = 0, overflow = 0, consumers = 0;
      unsigned percent = 0;
      for (const auto& sub : *m_channels->find(name)) {
        records += sub.queue->records();
        bytes += sub.queue->bytes();
        overflow += sub.queue->overflow_records();
        consumers += sub.consumers.size();
        percent = std::max(percent, sub.queue->percent_memory());
      }
      std::string prefix = "channel/" + name + "/";
      s.add(prefix + "records", records);
      s.add(prefix + "bytes", bytes);
      s.add(prefix + "percent_memory", std::uint64_t{percent});
      s.add(prefix + "records_overflow", overflow);
      s.add(prefix + "subscriptions", static_cast<std::uint64_t>(m_channels->find(name)->size()));
      s.add(prefix + "consumers", consumers);
    }
  }
  for (std::size_t code = 0; code <= NodeStats::max_code; ++code)
    if (m_stats.handled[code])
      s.add("request/" +
                std::string(proto::queue_command_name(static_cast<proto::QueueCommand>(code))) +
                "/handled",
            m_stats.handled[code]);
  s.add("errors", m_session_counters.errors);
  s.add("malformed", m_session_counters.malformed);
  s.add("auth_refused", m_session_counters.auth_refused);
  s.add("pushed", m_stats.pushed);
  s.add("produced", m_stats.produced);
  s.add("dropped", m_stats.dropped);
  s.add("popped", m_stats.popped);
  s.add("consumed", m_stats.consumed);
  return s;
}

} // namespace shoal::queuenode
