// The journal writer (durable mode). The loop thread appends entries to a buffer of its own
// and hands them over with publish(), once per loop iteration (a lock per entry cost a busy
// node 14 % of its time); a dedicated sync thread writes and fdatasyncs them in groups and
// publishes the highest sequence number now durable, then calls a wakeup function (which the server
// points at uv_async_send so that its loop releases the replies waiting for that number).
#pragma once

#include "journal_format.hpp"

#include "core/result.hpp"
#include "store/file_io.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace shoal::queuenode {

using store::Fd;

// How the sync thread groups entries.
struct JournalOptions {
  // How long the first entry of a group waits for others before the group is written
  // (0: write as soon as the previous group is synced).
  std::chrono::microseconds interval{2000};
  // A group this large is written at once.
  std::size_t group_bytes = 1 << 20;
  // Called on the sync thread after each group is durable and once after a failure. Must be
  // cheap and thread-safe (uv_async_send is both).
  std::function<void()> wakeup;
};

// One journal file, of one generation. append() and the getters marked "loop thread" belong
// to one thread; synced(), failed() and error() may be called from any thread.
class Journal
{
public:
  // Creates path (truncating it) with its header, syncs it (and its directory unless the
  // caller syncs the directory before any entry matters), and starts the sync thread.
  // Sequence numbers start at first_seq; synced() starts at first_seq - 1.
  static core::Result<std::unique_ptr<Journal>> create(std::string path,
                                                       std::uint64_t generation,
                                                       std::uint64_t first_seq,
                                                       JournalOptions options,
                                                       bool sync_dir = true);

  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  // Writes and syncs what is pending (unless stop(true) ran), then stops the thread.
  ~Journal();

  // Loop thread: appends an entry and returns its sequence number. Never blocks on I/O. The
  // entry reaches the sync thread at the next publish() (or at once past group_bytes).
  std::uint64_t append(EntryType type, std::uint32_t queue, std::string_view data);
  // Loop thread: hands the entries appended since the last call to the sync thread.
  void publish();

  // Loop thread: the last sequence number appended.
  std::uint64_t appended() const { return m_appended; }

  // Loop thread: bytes of the file once everything appended is written.
  std::uint64_t size() const { return m_size; }

  // Loop thread: bytes appended but not yet written (nothing throttles on it yet; see the note
  // in queuenode(8) BUGS).
  std::uint64_t backlog() const;

  // Every entry up to this sequence number is durable.
  std::uint64_t synced() const { return m_synced.load(std::memory_order_acquire); }

  // True once a write or sync failed; nothing is written after that (a checkpoint starts a
  // new journal).
  bool failed() const { return m_failed.load(std::memory_order_acquire); }

  // The failure (an empty message if none).
  core::Error error() const;

  // Loop thread: publishes, then blocks until synced() >= seq or the journal failed.
  void wait_synced(std::uint64_t seq);

  // Stops the sync thread; with discard, pending entries are dropped (a checkpoint made them
  // durable already) and it may run on any thread, else on the loop thread, which publishes
  // first. Idempotent.
  void stop(bool discard);

  const std::string& path() const { return m_path; }
  std::uint64_t generation() const { return m_generation; }

private:
  Journal(std::string path,
          Fd fd,
          std::uint64_t generation,
          std::uint64_t first_seq,
          JournalOptions options);
  void run();
  bool wait_for_group(std::unique_lock<std::mutex>& lock);
  void write_group(std::uint64_t seq);

  const std::string m_path;
  const Fd m_fd;
  const std::uint64_t m_generation;
  const JournalOptions m_options;
  std::uint64_t m_appended; // loop thread
  std::uint64_t m_size;     // loop thread
  std::string m_local;      // loop thread: entries not yet published
  std::atomic<std::uint64_t> m_synced;
  std::atomic<bool> m_failed{false};

  mutable std::mutex m_mutex;
  std::condition_variable m_wake; // the sync thread waits on it
  std::condition_variable m_synced_cv;
  std::string m_pending;           // guarded: entries not yet taken by the sync thread
  std::uint64_t m_pending_seq = 0; // guarded: sequence number of the last pending entry
  std::chrono::steady_clock::time_point m_first_pending; // guarded
  bool m_stop = false;                                   // guarded
  bool m_discard = false;                                // guarded
  core::Error m_error;                                   // guarded
  std::string m_writing;                                 // sync thread: the group being written
  std::thread m_thread;
};

} // namespace shoal::queuenode
