// Syncer: one node of the cluster. It turns changes of the local flag directory into updates
// for the others, applies theirs by last writer wins (never re-publishing them), merges the
// incoming streams in timestamp order, and exchanges summaries on every (re)connection so that
// a node that was away converges without any update being replayed. Runs on the loop; files
// and the state database are written on the thread pool (persist.hpp).
#pragma once

#include "merge_queue.hpp"
#include "persist.hpp"
#include "state_db.hpp"
#include "summary.hpp"
#include "sync_stats.hpp"
#include "transport.hpp"
#include "watcher.hpp"

#include "core/stats.hpp"
#include "net/loop.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace shoal::odsrpcsync {

struct SyncOptions {
  std::string dir;                                 // the ods-rpc flag directory
  std::string node_id;                             // this node's id, unique in the cluster
  std::string state_dir = "/var/lib/ods-rpc-sync"; // state.db and the status file
  std::uint64_t merge_window_ms = 5;
  std::uint64_t summary_interval_ms = 5 * 60 * 1000; // anti-entropy even without reconnections
  bool legacy_text = false;                          // publish the original's text; accept it too
  std::string stats_log = "-";
  std::uint64_t stats_period_ms = 30'000;
};

class Syncer : public Transport::Handler
{
public:
  Syncer(net::Loop& loop, SyncOptions opts, std::unique_ptr<Transport> transport);
  ~Syncer() override;
  Syncer(const Syncer&) = delete;
  Syncer& operator=(const Syncer&) = delete;

  // Opens the state, scans the directory for changes made while this node was down, starts
  // watching and connecting. Fails on a state or directory that cannot be used.
  core::Status start();
  // Applies what is still held, waits for the last batch, disconnects; the loop then ends.
  void shutdown();
  // The status file's content (key:value lines).
  std::string status_text();

  // Transport::Handler
  void on_message(std::string_view body, std::uint64_t tag) override;
  void on_connected() override;
  void on_disconnected(const std::string& why) override;

private:
  // local changes
  void check_name(const std::string& name);
  void rescan();
  void publish_local(const Update& u);
  // incoming
  void refuse(std::uint64_t tag, const std::string& why, std::string_view body);
  void on_update(Update u, std::uint64_t tag);
  void done_with(std::uint64_t tag);
  void on_summary_part(SummaryPart part, std::uint64_t tag);
  void answer_summary(const SummaryPart& summary);
  void release_due();
  void arm_release();
  void decide(Incoming in);
  // persisting
  void queue_item(PersistItem item);
  void flush_batch();
  void start_batch();
  void batch_done(PersistBatch& batch);
  void applied(const PersistItem& item);
  void failed(const PersistItem& item);
  void redecide(const std::string& name, const std::vector<PersistItem*>& items);
  void restore(const Update& u, const std::optional<FlagVersion>& before);
  // summaries, status
  void send_summary(bool want_reply);
  std::string encode(const Update& u) const;
  void write_status();
  void finish_shutdown();
  void start_sync_pass();

  net::Loop& m_loop;
  SyncOptions m_opts;
  std::unique_ptr<Transport> m_transport;
  std::unique_ptr<StateDb> m_db;
  FlagMap m_flags; // what this node knows (the database's content, ahead of it while a batch runs)
  Watcher m_watcher;
  MergeQueue m_merge;
  SummaryCollector m_summaries;
  PersistBatch m_next;                               // gathering
  bool m_persisting = false;                         // a batch is on the pool
  std::uint64_t m_batch_seq = 0;                     // the last batch started
  std::uint64_t m_synced_seq = 0;                    // batches up to this one are synced to disk
  bool m_syncing = false;                            // a sync pass is on the pool
  bool m_final_sync = false;                         // the shutdown's sync pass has been started
  std::map<std::string, int, std::less<>> m_writing; // names whose file a batch is writing
  std::set<std::string> m_recheck; // changed while being written: look again after
  // Messages of several updates: the updates of each not done yet (acknowledged at 0).
  std::unordered_map<std::uint64_t, std::size_t> m_parts_left;
  std::uint64_t m_summary_seq = 0;
  SyncStats m_stats;
  core::StatsLog m_stats_log;
  net::Timer m_release_timer;
  net::Timer m_summary_timer;
  net::Timer m_status_timer;
  net::Timer m_stats_timer;
  net::Timer m_sync_timer;
  net::Timer m_local_timer; // records the local changes gathered (see flush_batch)
  bool m_stopping = false;
};

} // namespace shoal::odsrpcsync
