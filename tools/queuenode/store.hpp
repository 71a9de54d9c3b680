// The queue node's storage engine: every queue of a data directory, the overflow disk budget
// they share, the start-up load, the shutdown save and, in durable mode, the journal with its
// sync thread and the checkpoints that bound the journal.
#pragma once

#include "data_dir.hpp"
#include "housekeeper.hpp"
#include "journal.hpp"
#include "op_log.hpp"
#include "queue.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shoal::queuenode {

// How a store behaves.
struct StoreOptions {
  std::string dir;                           // the data directory (created if missing)
  std::uint64_t overflow_limit = 1ULL << 30; // disk bytes all overflow files may hold together
  std::uint64_t ring_limit = 0;              // ring capacity of all queues together; 0: none
  std::size_t io_chunk = 64 << 10;           // overflow append buffer and read-ahead size
  std::uint64_t reclaim_chunk = 1 << 20;     // overflow dead head punched in steps this large
  bool salvage = false; // load damaged files up to the damage instead of failing
  // Durable mode: every change goes to a journal made durable by a sync thread, and the state
  // survives kill -9. Otherwise the state survives only a clean save().
  bool durable = false;
  JournalOptions journal;                       // durable mode: grouping and the wakeup
  std::uint64_t checkpoint_bytes = 64ULL << 20; // a checkpoint is due when the journal is this
  std::uint64_t checkpoint_ratio = 2;           // large and this many times the live bytes
};

// The ring capacity of a queue, in bytes (the server's channel size settings).
using CapacityFn = std::function<std::uint64_t(const QueueName&)>;

// What open() found.
struct LoadReport {
  std::uint64_t queues = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t replayed = 0;        // journal entries replayed (after a crash in durable mode)
  std::vector<std::string> warnings; // also logged: torn tails cut, ignored files
};

// All queues of one data directory. Every member runs on the loop thread, except
// synced_seq(), which any thread may call. Not movable (queues point into it).
class Store
{
public:
  // Loads the directory: the last checkpoint and the journals after it if there are any, else
  // the .rq files and overflow files a clean save left. A damaged file is a bad_data error
  // naming the file and offset (unless options.salvage). Durable mode then starts a journal.
  static core::Result<std::unique_ptr<Store>> open(StoreOptions options, CapacityFn capacity);

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  // Writes and syncs the pending journal entries and stops the sync thread; does not save.
  ~Store();

  const LoadReport& load_report() const { return m_report; }

  // The queue with this full name, or nullptr.
  Queue* find(std::string_view full_name);

  // The queue with this full name, created empty if it does not exist; Errc::usage for a
  // name QueueName::parse refuses, Errc::unavailable when its ring would take the rings of
  // all queues over StoreOptions::ring_limit.
  core::Result<Queue*> get_or_create(std::string_view full_name);
  // The ring capacity of all queues together.
  std::uint64_t ring_capacity() const;

  // Deletes a queue and its files (in durable mode the files go at the next checkpoint).
  // Pointers to it become invalid.
  core::Status remove(std::string_view full_name);

  // Every queue, by name.
  std::vector<Queue*> queues() const;

  // Writes the overflow appends still buffered in memory (a timer may call it, so that a
  // crash in non-durable mode loses at most that period of overflowed records).
  core::Status flush_overflow();

  // Shutdown: non-durable mode writes each ring to <queue>.rq (in the original format) and
  // marks each overflow file clean; empty queues leave no files. Durable mode checkpoints.
  core::Status save();

  bool durable() const { return m_options.durable; }

  // Durable mode: the sequence number of the last change appended to the journal.
  std::uint64_t appended_seq() const;

  // Durable mode: every change up to this sequence number is durable. Loop thread only, as
  // the journal object changes at checkpoints; the wakeup of JournalOptions says when to look.
  std::uint64_t synced_seq() const;

  // Durable mode: the journal failed (a push returns PushStatus::failed until a checkpoint
  // succeeds); the error says why.
  bool journal_failed() const;
  core::Error journal_error() const;

  // Durable mode: hands the journal entries of the changes made since the last call to the
  // sync thread (the server calls it once per loop iteration; wait_synced() calls it too).
  void publish_journal();
  // Durable mode: journal bytes appended but not yet written.
  std::uint64_t journal_backlog() const;

  // Durable mode: true when checkpoint() should run: the journal is large compared with the
  // live data, popped overflow records hold much of the disk budget, or the journal failed.
  bool checkpoint_due() const;

  // Durable mode: writes the state of every queue to a new checkpoint file and starts a new
  // journal generation, then deletes the old ones. Blocks for a time proportional to the data
  // in the rings (plus a few fsyncs): cheap when the queues are mostly drained.
  core::Status checkpoint();

  // Durable mode: blocks until everything appended is durable (or the journal failed).
  void wait_synced();

  // Blocks until the files deleted so far are gone (deletions run on a background thread).
  void wait_background() { m_housekeeper.wait_idle(); }

  // Bytes the overflow files hold on disk, and the budget.
  std::uint64_t overflow_used() const { return m_ctx.overflow_used; }
  std::uint64_t overflow_limit() const { return m_ctx.overflow_limit; }

private:
  // Forwards the queues' changes to the current journal.
  class JournalLog : public OpLog
  {
  public:
    explicit JournalLog(Store& store) : m_store(store) {}
    bool writable() const override;
    std::uint64_t log_push(std::uint32_t queue, std::string_view value) override;
    std::uint64_t log_pop(std::uint32_t queue, std::uint64_t count) override;
    std::uint64_t log_clear(std::uint32_t queue) override;
    std::uint64_t log(EntryType type, std::uint32_t queue, std::string_view data);

  private:
    Store& m_store;
  };

  Store(StoreOptions options, CapacityFn capacity);
  core::Result<Queue*> create(const QueueName& name, std::uint32_t id);
  void erase(Queue& queue);
  core::Status load(const DirListing& listing);
  core::Status load_checkpoint(const std::string& path);
  core::Status load_loose(const DirListing& listing);
  core::Status replay(const std::string& path);
  core::Status apply(const JournalEntry& entry);
  core::Status start(bool loaded_loose);
  void first_change();
  core::Status save_loose();
  void after_checkpoint(const std::string& old_journal, const std::string& old_checkpoint);
  void collect_garbage();
  std::uint64_t next_seq() const;
  void warn(std::string message);

  StoreOptions m_options;
  CapacityFn m_capacity;
  Housekeeper m_housekeeper; // destroyed after the queues, which post work to it
  QueueContext m_ctx;
  JournalLog m_log{*this};
  std::map<std::string, std::unique_ptr<Queue>, std::less<>> m_queues;
  std::unordered_map<std::uint32_t, Queue*> m_by_id;
  std::uint32_t m_next_id = 1;
  std::unique_ptr<Journal> m_journal; // durable mode
  std::uint64_t m_generation = 0;     // of the journal (and of the checkpoint it follows)
  std::uint64_t m_next_seq = 1;       // while there is no journal
  std::string m_checkpoint;           // durable mode: the checkpoint the journal follows
  std::vector<std::string> m_stale;   // state files read at start-up, superseded once changed
  bool m_loose = true; // non-durable mode: the state on disk is in .rq and overflow files
  LoadReport m_report;
};

} // namespace shoal::queuenode
