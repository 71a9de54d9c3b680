// Syncer: start-up, local changes, incoming updates and summaries, batches, status.
#include "syncer.hpp"

#include "flag_dir.hpp"
#include "local_change.hpp"
#include "text_fields.hpp"

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/log.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace shoal::odsrpcsync {

namespace {

constexpr std::uint64_t status_period_ms = 1000;
constexpr std::uint64_t sync_period_ms = 1000;        // how long an applied file may stay unsynced
constexpr std::uint64_t local_batch_delay_ms = 100;   // see flush_batch
constexpr std::uint64_t summary_patience_ms = 60'000; // parts of a summary must come within
constexpr std::uint64_t repair_delay_ms = 10'000;     // after a failed apply: ask for a summary

FlagVersion
version_of(const Update& u)
{
  return {u.ts_ns, u.origin, u.op == Op::set, u.op == Op::set ? u.value : std::string()};
}

Update
update_of(const std::string& name, const FlagVersion& v)
{
  return {v.origin, v.ts_ns, v.present ? Op::set : Op::clear, name, v.present ? v.value : ""};
}

} // namespace

Syncer::Syncer(net::Loop& loop, SyncOptions opts, std::unique_ptr<Transport> transport)
    : m_loop(loop), m_opts(std::move(opts)), m_transport(std::move(transport)),
      m_watcher(
          loop,
          m_opts.dir,
          [this](const std::string& name) { check_name(name); },
          [this] { rescan(); }),
      m_merge(m_opts.merge_window_ms), m_release_timer(loop), m_summary_timer(loop),
      m_status_timer(loop), m_stats_timer(loop), m_sync_timer(loop), m_local_timer(loop)
{
}

Syncer::~Syncer() = default;

core::Status
Syncer::start()
{
  auto db = StateDb::open(m_opts.state_dir + "/state.db");
  if (!db)
    return db.take_error();
  m_db = std::move(*db);
  auto recovered = recover_pending(m_opts.dir, *m_db);
  if (!recovered)
    return recovered.take_error();
  if (*recovered)
    core::log_info("wrote {} flags again that a crash may have left unsynced", *recovered);
  auto known = m_db->all();
  if (!known)
    return known.take_error();
  for (auto& [name, v] : *known)
    m_flags.emplace(std::move(name), std::move(v));
  SHOAL_TRY(m_stats_log.open(m_opts.stats_log));
  SHOAL_TRY(list_flags(m_opts.dir)); // a directory that cannot be read is fatal here
  SHOAL_TRY(m_watcher.start()); // before the scan: a change during it is seen by one or the other
  rescan();
  m_transport->start(*this);
  if (!m_opts.legacy_text)
    m_summary_timer.start(m_opts.summary_interval_ms, m_opts.summary_interval_ms,
                          [this] { send_summary(true); });
  m_status_timer.start(0, status_period_ms, [this] { write_status(); });
  m_sync_timer.start(sync_period_ms, sync_period_ms, [this] { start_sync_pass(); });
  m_stats_timer.start(m_opts.stats_period_ms, m_opts.stats_period_ms, [this] {
    m_stats_log.write(stats_list(m_stats, m_transport->stats(), core::unix_ns()));
    m_summaries.expire(m_loop.now() - std::min(m_loop.now(), summary_patience_ms));
  });
  core::log_info("{}: {} flags known, watching {}, {}", m_opts.node_id, m_flags.size(), m_opts.dir,
                 m_transport->describe());
  return {};
}

// --- local changes -------------------------------------------------------------------------

void
Syncer::check_name(const std::string& name)
{
  if (m_stopping)
    return;
  if (m_writing.count(name)) {
    m_recheck.insert(name); // our own write of it is under way; its events say nothing yet
    return;
  }
  auto file = read_flag(m_opts.dir, name);
  if (!file) {
    if (file.error().code == core::Errc::bad_data)
      ++m_stats.illegal_local;
    core::log_warn("not sending {}: {}", name, file.error().message);
    return;
  }
  auto it = m_flags.find(name);
  auto u = local_change(m_opts.node_id, name, *file, it == m_flags.end() ? nullptr : &it->second,
                        core::unix_ns());
  if (!u)
    return;
  if (*file && u->ts_ns != (*file)->mtime_ns) {
    // The change had to be dated after the version it replaces: the file says so too, so
    // that it matches its version (and the next look at it finds nothing new).
    if (auto s = set_flag_mtime(m_opts.dir, name, u->ts_ns); !s)
      core::log_warn("{}", s.error().message);
  }
  publish_local(*u);
  flush_batch();
}

void
Syncer::rescan()
{
  ++m_stats.rescans;
  auto names = list_flags(m_opts.dir);
  if (!names) {
    core::log_error("{}", names.error().message);
    return;
  }
  std::set<std::string> all(names->begin(), names->end());
  for (const auto& [name, v] : m_flags)
    if (v.present)
      all.insert(name); // gone from the directory: cleared while nobody watched
  for (const std::string& name : all)
    check_name(name);
}

void
Syncer::publish_local(const Update& u)
{
  ++m_stats.local_changes;
  // The tests compute the last writer of each flag from these lines: keep their form.
  core::log_debug("local {} {} {} {} {}", u.op == Op::set ? "SET" : "CLEAR", u.name, u.ts_ns,
                  u.origin, core::escape(u.value));
  m_flags[u.name] = version_of(u);
  m_transport->publish(encode(u), !m_opts.legacy_text);
  queue_item({u, false, 0, 0, std::nullopt, false});
}

// --- incoming ------------------------------------------------------------------------------

void
Syncer::on_message(std::string_view body, std::uint64_t tag)
{
  if (is_summary(body)) {
    auto part = parse_summary(body);
    if (part)
      return on_summary_part(std::move(*part), tag);
    return refuse(tag, part.error().message, body);
  }
  bool ours = body.substr(0, wire_magic.size()) == wire_magic;
  if (!ours && m_opts.legacy_text) {
    auto u = parse_legacy(body, "legacy");
    if (!u)
      return refuse(tag, u.error().message, body);
    return on_update(std::move(*u), tag);
  }
  // A message with a bad line is refused whole (dead-lettered whole): shoal nodes never send
  // one, so it is not theirs to apply in part.
  auto updates = parse_updates(body);
  if (!updates)
    return refuse(tag, updates.error().message, body);
  if (tag != 0 && updates->size() > 1)
    m_parts_left[tag] = updates->size();
  for (Update& u : *updates)
    on_update(std::move(u), tag);
}

// One update of message tag is applied, or needs nothing: the message is acknowledged once
// every update of it is.
void
Syncer::done_with(std::uint64_t tag)
{
  if (auto it = m_parts_left.find(tag); it != m_parts_left.end()) {
    if (--it->second > 0)
      return;
    m_parts_left.erase(it);
  }
  m_transport->ack(tag);
}

void
Syncer::refuse(std::uint64_t tag, const std::string& why, std::string_view body)
{
  ++m_stats.refused;
  core::log_warn("refused a message: {}: \"{}\"", why, core::escape(body.substr(0, 120)));
  m_transport->reject(tag);
}

void
Syncer::on_update(Update u, std::uint64_t tag)
{
  ++m_stats.received;
  if (m_stopping)
    return; // not acknowledged: RabbitMQ delivers it again after the restart
  m_merge.push({std::move(u), tag, m_loop.now()});
  arm_release();
}

void
Syncer::arm_release()
{
  if (m_merge.empty())
    return;
  std::uint64_t now = m_loop.now(), due = m_merge.next_due_ms();
  m_release_timer.start(due > now ? due - now : 0, 0, [this] { release_due(); });
}

void
Syncer::release_due()
{
  for (Incoming& in : m_merge.pop_due(m_loop.now()))
    decide(std::move(in));
  flush_batch();
  arm_release();
}

void
Syncer::decide(Incoming in)
{
  const Update& u = in.update;
  auto it = m_flags.find(u.name);
  const FlagVersion* known = it == m_flags.end() ? nullptr : &it->second;
  Decision d = odsrpcsync::decide(known, u);
  if (d != Decision::apply) {
    ++(d == Decision::same ? m_stats.duplicates : m_stats.stale); // same: our own coming back
    done_with(in.tag);
    return;
  }
  std::optional<FlagVersion> before;
  if (known)
    before = *known;
  m_flags[u.name] = version_of(u);
  ++m_writing[u.name];
  queue_item({std::move(in.update), true, in.tag, in.arrived_ms, std::move(before), false});
}

void
Syncer::on_summary_part(SummaryPart part, std::uint64_t tag)
{
  m_transport->ack(tag); // a summary is answered now or never: nothing to keep
  if (part.from == m_opts.node_id || m_opts.legacy_text)
    return;
  auto whole = m_summaries.add(std::move(part), m_loop.now());
  if (!whole)
    return;
  ++m_stats.summaries_received;
  answer_summary(*whole);
}

void
Syncer::answer_summary(const SummaryPart& summary)
{
  SummaryDiff diff = compare_summary(m_flags, summary.entries);
  for (const std::string& name : diff.to_send) {
    m_transport->publish(encode(update_of(name, m_flags.find(name)->second)), !m_opts.legacy_text);
    ++m_stats.repairs_sent;
  }
  if (summary.want_reply && diff.peer_ahead)
    send_summary(false);
}

void
Syncer::on_connected()
{
  core::log_info("connected: {}", m_transport->describe());
  if (!m_opts.legacy_text)
    send_summary(true); // whatever was sent while apart may be lost: compare
}

void
Syncer::on_disconnected(const std::string& why)
{
  core::log_warn("disconnected from {}: {}; reconnecting", m_transport->describe(), why);
}

// --- persisting ----------------------------------------------------------------------------

void
Syncer::queue_item(PersistItem item)
{
  m_next.items.push_back(std::move(item));
}

// Remote updates go at once: they wait for their sync to be acknowledged. Changes made here
// alone are recorded at most local_batch_delay_ms later, many to a sync: a crash before that
// loses nothing (the start-up scan finds them again), while a sync per change would keep the
// filesystem's journal committing a thousand times a second and slow every file operation.
void
Syncer::flush_batch()
{
  if (m_persisting || m_next.items.empty())
    return;
  bool remote = std::any_of(m_next.items.begin(), m_next.items.end(),
                            [](const PersistItem& item) { return item.remote; });
  if (!remote && !m_stopping) {
    if (!m_local_timer.active())
      m_local_timer.start(local_batch_delay_ms, 0, [this] { start_batch(); });
    return;
  }
  start_batch();
}

void
Syncer::start_batch()
{
  if (m_persisting || m_next.items.empty())
    return;
  m_local_timer.stop();
  m_persisting = true;
  auto batch = std::make_shared<PersistBatch>(std::move(m_next));
  batch->seq = ++m_batch_seq;
  m_next = PersistBatch{};
  StateDb* db = m_db.get();
  std::string dir = m_opts.dir;
  std::uint64_t started = core::now_ms();
  net::queue_work(
      m_loop, [batch, db, dir] { persist_batch(*batch, dir, *db); },
      [this, batch, started] {
        core::log_debug("batch {}: {} updates in {} ms", batch->seq, batch->items.size(),
                        core::now_ms() - started);
        batch_done(*batch);
      });
}

void
Syncer::batch_done(PersistBatch& batch)
{
  m_persisting = false;
  std::map<std::string, std::vector<PersistItem*>> conflicts;
  for (PersistItem& item : batch.items) {
    if (!item.remote)
      continue;
    const Update& u = item.update;
    if (--m_writing[u.name] == 0)
      m_writing.erase(u.name);
    if (item.conflict)
      conflicts[u.name].push_back(&item);
    else if (item.written && batch.db_status)
      applied(item);
    else
      failed(item);
  }
  for (auto& [name, items] : conflicts)
    redecide(name, items);
  std::set<std::string> recheck;
  std::swap(recheck, m_recheck);
  for (const std::string& name : recheck)
    check_name(name);
  flush_batch();
  if (m_stopping && !m_persisting)
    finish_shutdown();
}

void
Syncer::applied(const PersistItem& item)
{
  const Update& u = item.update;
  std::uint64_t now_ns = core::unix_ns();
  ++m_stats.applied;
  PeerStats& peer = m_stats.peers[u.origin];
  ++peer.applied;
  peer.last_ts_ns = u.ts_ns;
  peer.last_applied_ns = now_ns;
  peer.lag_ms = now_ns > u.ts_ns ? (now_ns - u.ts_ns) / 1'000'000 : 0;
  done_with(item.tag);
}

void
Syncer::failed(const PersistItem& item)
{
  ++m_stats.apply_failures;
  restore(item.update, item.before);
  m_summary_timer.start(repair_delay_ms, m_opts.summary_interval_ms,
                        [this] { send_summary(true); });
  done_with(item.tag);
}

// The flag changed here after the batch's updates of it were decided: go back to what was
// known before them, see the local change, and decide them again, in order.
void
Syncer::redecide(const std::string& name, const std::vector<PersistItem*>& items)
{
  restore(items.back()->update, items.front()->before);
  check_name(name);
  for (PersistItem* item : items)
    decide({std::move(item->update), item->tag, item->received_ms});
}

// Goes back to what was known before u, unless something newer came since.
void
Syncer::restore(const Update& u, const std::optional<FlagVersion>& before)
{
  auto it = m_flags.find(u.name);
  if (it == m_flags.end() || !(it->second == version_of(u)))
    return;
  if (before)
    it->second = *before;
  else
    m_flags.erase(it);
}

// --- summaries, status, shutdown -----------------------------------------------------------

void
Syncer::send_summary(bool want_reply)
{
  if (m_opts.legacy_text)
    return; // the original's nodes would take a summary for a bad update
  for (std::string& part : encode_summary(m_opts.node_id, core::unix_ns(), want_reply, m_flags))
    m_transport->publish(std::move(part), false);
  ++m_stats.summaries_sent;
}

std::string
Syncer::encode(const Update& u) const
{
  return m_opts.legacy_text ? encode_legacy(u) : encode_update(u);
}

std::string
Syncer::status_text()
{
  core::StatsList s;
  s.add("node", m_opts.node_id);
  s.add("pid", static_cast<std::uint64_t>(getpid()));
  s.add("updated_ns", core::unix_ns());
  s.add("connected", m_transport->connected() ? 1u : 0u);
  s.add("flags", m_flags.size());
  s.add("held", m_merge.size());
  s.add("writing", m_next.items.size() + (m_persisting ? 1u : 0u));
  s.append(stats_list(m_stats, m_transport->stats(), core::unix_ns()));
  return "transport:" + m_transport->describe() + "\n" + s.lines();
}

void
Syncer::write_status()
{
  // Rewritten every second and read by `ods-rpc-sync status`: renamed into place, so a reader
  // never sees half of it, but not synced (after a crash it is stale anyway).
  std::string path = m_opts.state_dir + "/status", temp = path + ".tmp";
  std::FILE* f = std::fopen(temp.c_str(), "w");
  if (!f)
    return;
  std::string text = status_text();
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (ok)
    std::rename(temp.c_str(), path.c_str());
}

void
Syncer::shutdown()
{
  if (m_stopping)
    return;
  core::log_info("shutting down: applying what is held");
  for (Incoming& in : m_merge.pop_due(std::numeric_limits<std::uint64_t>::max()))
    decide(std::move(in));
  m_stopping = true;
  m_release_timer.stop();
  m_summary_timer.stop();
  m_stats_timer.stop();
  m_sync_timer.stop();
  flush_batch();
  if (!m_persisting)
    finish_shutdown();
}

// Syncs what the batches wrote, off their path (see persist.hpp).
void
Syncer::start_sync_pass()
{
  std::uint64_t up_to = m_batch_seq - (m_persisting ? 1 : 0); // the batches completed
  if (m_syncing || up_to <= m_synced_seq)
    return;
  m_syncing = true;
  auto status = std::make_shared<core::Status>();
  StateDb* db = m_db.get();
  std::string dir = m_opts.dir;
  std::uint64_t started = core::now_ms();
  net::queue_work(
      m_loop, [status, db, dir, up_to] { *status = sync_pass(dir, *db, up_to); },
      [this, status, up_to, started] {
        core::log_debug("sync pass to batch {} in {} ms", up_to, core::now_ms() - started);
        m_syncing = false;
        if (*status)
          m_synced_seq = up_to;
        else
          core::log_error("syncing applied flags: {}", status->error().message);
        if (m_stopping && !m_persisting)
          finish_shutdown();
      });
}

void
Syncer::finish_shutdown()
{
  if (m_syncing)
    return; // the pass in flight ends the shutdown
  if (m_synced_seq < m_batch_seq && !m_final_sync) {
    m_final_sync = true; // once: a failing sync leaves its marks to the next start's recovery
    start_sync_pass();   // then back here
    return;
  }
  m_sync_timer.stop();
  m_status_timer.stop();
  write_status();
  m_stats_log.write(stats_list(m_stats, m_transport->stats(), core::unix_ns()));
  m_transport->stop();
  core::log_info("bye");
  m_loop.stop();
}

} // namespace shoal::odsrpcsync
