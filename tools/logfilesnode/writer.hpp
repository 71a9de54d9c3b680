// Writer: every change to the bucket files, on one thread of its own so that the event loop
// never waits for the disk. The loop thread encodes operations (define a channel, append
// records, remove a channel) into a buffer of its own, the records already as the files hold
// them, checksummed (the loop has their keys parsed), and hands them over once per loop
// iteration (publish); the writer thread applies them in groups: one write per bucket per
// group, in sync mode one fdatasync per bucket per group, and reports each group's outcome
// (which operations failed) back through a wakeup, so that the loop answers the requests.
#pragma once

#include "bucket_file.hpp"
#include "checkpoint.hpp"
#include "size_info.hpp"

#include "core/result.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace shoal::logfilesnode {

struct WriterOptions {
  std::string data_dir;
  bool sync = false; // fdatasync each group before reporting it
  // Sync mode: how long the first operation of a group waits for others (0: none).
  std::chrono::microseconds interval{1000};
  std::size_t max_open_files = 64; // buckets open for appending, least recently used closed
  std::chrono::milliseconds checkpoint_interval{60'000};
  std::size_t group_bytes = 8 << 20; // a loop buffer this large is published at once
  std::size_t part_bytes = 1 << 20;  // without sync: a group is reported in parts this large
  std::function<void()> wakeup;      // called on the writer thread after each group
};

// The outcome of one group: every operation up to last_seq is done, those in failed did not
// happen (their records are not in any file).
struct GroupResult {
  std::uint64_t last_seq = 0;
  std::vector<std::uint64_t> failed;
  std::string error; // the first failure's message
};

class Writer
{
public:
  // Channels the data directory holds already: their ids and sizes.
  struct KnownChannel {
    std::uint32_t id = 0;
    std::string name;
    ChannelSize size;
  };

  Writer(WriterOptions options, const std::vector<KnownChannel>& known);
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer(); // stop()s if the caller did not

  // Loop thread: each returns the operation's sequence number; none blocks on I/O.
  std::uint64_t define_channel(std::uint32_t id, std::string_view name);
  std::uint64_t append(std::uint32_t id, std::uint64_t key, std::string_view value);
  // Records encoded by store::append_record (the caller checked them), as one operation.
  std::uint64_t append_encoded(std::uint32_t id, std::string_view records);
  std::uint64_t remove_channel(std::uint32_t id);
  // Loop thread: hands the operations since the last call to the writer thread.
  void publish();
  std::uint64_t appended() const { return m_seq; }

  // Every operation up to this number is in the files (in the page cache; sync mode: maybe
  // not yet on disk) or failed: a reader started now sees them. Any thread.
  std::uint64_t done() const { return m_done.load(std::memory_order_acquire); }
  // Loop thread: moves the results of the groups finished since the last call into out.
  void take_results(std::vector<GroupResult>& out);
  // The records and value bytes of a channel, as written. Any thread.
  ChannelSize size_of(std::uint32_t id) const;
  // Bytes published (or not yet) but not yet written: what the loop may throttle on.
  std::size_t backlog() const;
  // What the writer thread did since start-up, for STATS. Any thread.
  struct Counters {
    std::uint64_t groups = 0;  // groups (without sync: parts of groups) reported done
    std::uint64_t syncs = 0;   // fdatasync calls on bucket files
    std::uint64_t sync_us = 0; // the time they took
  };
  Counters counters() const;

  // Loop thread, at shutdown: applies what is pending, syncs every bucket, writes every
  // channel's sizeinfo and deletes the checkpoint (a clean stop). Idempotent.
  core::Status stop();

private:
  struct OpenFile {
    std::uint32_t channel = 0;
    std::unique_ptr<BucketFile> file;
    std::vector<std::uint64_t> seqs; // appends of this group to this bucket (one per run)
    std::size_t unflushed = 0;       // seqs from this index on are still in the buffer
    ChannelSize added;               // the buffered records and bytes
    std::list<std::pair<std::uint32_t, std::uint64_t>>::iterator lru;
  };
  using FileKey = std::pair<std::uint32_t, std::uint64_t>; // channel id, bucket start

  void run();
  bool wait_for_group(std::unique_lock<std::mutex>& lock);
  std::string_view apply(std::string_view ops, std::size_t budget, GroupResult& result);
  std::size_t start_records(std::uint32_t id);
  std::uint64_t end_records(std::size_t length_at);
  void
  apply_records(std::uint32_t id, std::string_view records, std::uint64_t seq, GroupResult& result);
  void apply_run(std::uint32_t id,
                 std::uint64_t bucket_start,
                 std::string_view run,
                 ChannelSize count,
                 std::uint64_t seq,
                 GroupResult& result);
  void apply_remove(std::uint32_t id, std::uint64_t seq, GroupResult& result);
  OpenFile* open_bucket(std::uint32_t id,
                        std::uint64_t bucket_start,
                        GroupResult& result,
                        std::string& error);
  void finish_group(GroupResult& result);
  bool flush_file(OpenFile& f, GroupResult& result);
  core::Status close_file(FileKey key, GroupResult& result);
  core::Status sync_file(BucketFile& file);
  core::Status checkpoint();
  core::Status finish_all();
  std::string channel_dir(std::uint32_t id) const;

  const WriterOptions m_options;
  // Loop thread.
  std::string m_local;
  std::uint64_t m_seq = 0;
  bool m_stopped = false;

  // Shared.
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::string m_pending;                                  // guarded: operations not yet taken
  std::chrono::steady_clock::time_point m_first_pending;  // guarded
  bool m_stop = false;                                    // guarded
  std::vector<GroupResult> m_results;                     // guarded
  std::unordered_map<std::uint32_t, ChannelSize> m_sizes; // guarded
  std::atomic<std::uint64_t> m_done{0};
  std::atomic<std::size_t> m_backlog{0};
  std::atomic<std::uint64_t> m_groups{0}, m_syncs{0}, m_sync_us{0};

  // Writer thread.
  std::unordered_map<std::uint32_t, std::string> m_names;
  std::map<FileKey, OpenFile> m_files;
  std::list<FileKey> m_lru;            // most recently used first
  std::vector<FileKey> m_touched;      // files with records buffered in this group
  std::vector<std::string> m_new_dirs; // directories to sync (sync mode) in this group
  std::set<FileKey> m_in_checkpoint;   // buckets the checkpoint on disk lists
  std::uint64_t m_applied = 0;         // the last operation applied
  std::chrono::steady_clock::time_point m_next_checkpoint;
  std::string m_work;
  core::Status m_final; // what finishing at stop() found
  std::thread m_thread;
};

} // namespace shoal::logfilesnode
