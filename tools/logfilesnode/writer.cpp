// Writer: the operation buffer, the writer thread's groups, the open-bucket LRU and the
// checkpoints.
#include "writer.hpp"

#include "core/bytes.hpp"
#include "core/log.hpp"
#include "store/atomic_file.hpp"
#include "store/bucket_format.hpp"
#include "store/bucket_layout.hpp"

#include <filesystem>

namespace shoal::logfilesnode {

namespace {

using core::append_le;
using core::load_le;

// Operation tags in the buffer the loop hands over.
constexpr char op_define = 'C'; // u32 id | u32 length | name
// Records come encoded as the bucket files hold them (store::append_record): the loop thread,
// which parsed the keys in checking them, does the encoding and the checksums, and the writer
// thread copies runs of them into the files.
constexpr char op_records = 'A'; // u32 id | u32 length | records in the current format
constexpr char op_remove = 'R';  // u32 id

// A write buffer of one bucket this large goes to the file before the group ends.
constexpr std::size_t flush_bytes = 1 << 20;

// Reads the fixed-size fields of operations; the loop wrote them, so they are whole.
struct OpReader {
  std::string_view in;
  template <class T> T take()
  {
    T v = load_le<T>(in.data());
    in.remove_prefix(sizeof(T));
    return v;
  }
  std::string_view bytes(std::size_t n)
  {
    std::string_view v = in.substr(0, n);
    in.remove_prefix(n);
    return v;
  }
};

} // namespace

Writer::Writer(WriterOptions options, const std::vector<KnownChannel>& known)
    : m_options(std::move(options))
{
  for (const KnownChannel& c : known) {
    m_names[c.id] = c.name;
    m_sizes[c.id] = c.size;
  }
  m_next_checkpoint = std::chrono::steady_clock::now() + m_options.checkpoint_interval;
  m_thread = std::thread([this] { run(); });
}

Writer::~Writer()
{
  if (!m_stopped)
    (void)stop();
}

std::uint64_t
Writer::define_channel(std::uint32_t id, std::string_view name)
{
  m_local.push_back(op_define);
  append_le<std::uint32_t>(m_local, id);
  append_le<std::uint32_t>(m_local, static_cast<std::uint32_t>(name.size()));
  m_local += name;
  return ++m_seq;
}

std::uint64_t
Writer::append(std::uint32_t id, std::uint64_t key, std::string_view value)
{
  std::size_t length_at = start_records(id);
  store::append_record(key, value, m_local);
  return end_records(length_at);
}

std::uint64_t
Writer::append_encoded(std::uint32_t id, std::string_view records)
{
  std::size_t length_at = start_records(id);
  m_local += records;
  return end_records(length_at);
}

// Opens an op_records operation; returns where its length goes.
std::size_t
Writer::start_records(std::uint32_t id)
{
  m_local.push_back(op_records);
  append_le<std::uint32_t>(m_local, id);
  std::size_t length_at = m_local.size();
  append_le<std::uint32_t>(m_local, 0);
  return length_at;
}

// Closes the operation start_records opened: its length, its number, and publish() once the
// buffer is a group's worth.
std::uint64_t
Writer::end_records(std::size_t length_at)
{
  auto length = static_cast<std::uint32_t>(m_local.size() - length_at - sizeof(std::uint32_t));
  core::store_le(m_local.data() + length_at, length);
  ++m_seq;
  if (m_local.size() >= m_options.group_bytes)
    publish();
  return m_seq;
}

std::uint64_t
Writer::remove_channel(std::uint32_t id)
{
  m_local.push_back(op_remove);
  append_le<std::uint32_t>(m_local, id);
  return ++m_seq;
}

void
Writer::publish()
{
  if (m_local.empty())
    return;
  m_backlog.fetch_add(m_local.size(), std::memory_order_relaxed);
  {
    std::lock_guard lock(m_mutex);
    if (m_pending.empty()) {
      m_pending.swap(m_local);
      m_first_pending = std::chrono::steady_clock::now();
    } else {
      m_pending += m_local;
    }
  }
  m_local.clear();
  m_wake.notify_one();
}

void
Writer::take_results(std::vector<GroupResult>& out)
{
  std::lock_guard lock(m_mutex);
  for (auto& r : m_results)
    out.push_back(std::move(r));
  m_results.clear();
}

ChannelSize
Writer::size_of(std::uint32_t id) const
{
  std::lock_guard lock(m_mutex);
  auto it = m_sizes.find(id);
  return it == m_sizes.end() ? ChannelSize{} : it->second;
}

std::size_t
Writer::backlog() const
{
  return m_backlog.load(std::memory_order_relaxed) + m_local.size();
}

core::Status
Writer::stop()
{
  if (m_stopped)
    return m_final;
  m_stopped = true;
  publish();
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_one();
  m_thread.join();
  return m_final;
}

// Waits for operations (or the checkpoint time, or stop); in sync mode lets a group gather
// for the interval. False when the thread should end.
bool
Writer::wait_for_group(std::unique_lock<std::mutex>& lock)
{
  for (;;) {
    if (m_stop && m_pending.empty())
      return false;
    if (!m_pending.empty()) {
      auto until = m_first_pending + m_options.interval;
      if (!m_options.sync || m_stop || m_pending.size() >= m_options.group_bytes ||
          std::chrono::steady_clock::now() >= until)
        return true;
      m_wake.wait_until(lock, until);
      continue;
    }
    if (std::chrono::steady_clock::now() >= m_next_checkpoint)
      return true; // an empty group: just the checkpoint
    m_wake.wait_until(lock, m_next_checkpoint);
  }
}

void
Writer::run()
{
  for (;;) {
    {
      std::unique_lock lock(m_mutex);
      if (!wait_for_group(lock))
        break;
      m_work.clear();
      m_work.swap(m_pending);
    }
    // Without --sync a group is answered in parts: the loop replies to the first writes (and
    // their clients send the next) while the writer copies the rest, rather than both sides
    // taking turns over the whole window of writes in flight.
    std::size_t part_bytes = m_options.sync ? m_work.size() : m_options.part_bytes;
    std::string_view rest = m_work;
    while (!rest.empty()) {
      GroupResult result;
      std::size_t before = rest.size();
      rest = apply(rest, part_bytes, result);
      result.last_seq = m_applied;
      finish_group(result);
      m_backlog.fetch_sub(before - rest.size(), std::memory_order_relaxed);
      m_done.store(result.last_seq, std::memory_order_release);
      m_groups.fetch_add(1, std::memory_order_relaxed);
      {
        std::lock_guard lock(m_mutex);
        m_results.push_back(std::move(result));
      }
      if (m_options.wakeup)
        m_options.wakeup();
    }
    if (std::chrono::steady_clock::now() >= m_next_checkpoint) {
      if (auto status = checkpoint(); !status)
        core::log_error("checkpoint: {}", status.error().message);
    }
  }
  m_final = finish_all();
  if (m_options.wakeup)
    m_options.wakeup();
}

// Applies operations from the front of ops until at least budget bytes of them are applied;
// returns the rest.
std::string_view
Writer::apply(std::string_view ops, std::size_t budget, GroupResult& result)
{
  OpReader in{ops};
  while (!in.in.empty() && ops.size() - in.in.size() < budget) {
    std::uint64_t seq = ++m_applied;
    char op = in.in[0];
    in.in.remove_prefix(1);
    auto id = in.take<std::uint32_t>();
    if (op == op_define) {
      auto len = in.take<std::uint32_t>();
      m_names[id] = std::string(in.bytes(len));
    } else if (op == op_records) {
      auto len = in.take<std::uint32_t>();
      apply_records(id, in.bytes(len), seq, result);
    } else {
      apply_remove(id, seq, result);
    }
  }
  return in.in;
}

// Splits the encoded records of one operation into runs of one bucket (a log's records mostly
// share one) and hands each run to its file.
void
Writer::apply_records(std::uint32_t id,
                      std::string_view records,
                      std::uint64_t seq,
                      GroupResult& result)
{
  std::size_t run_start = 0, pos = 0;
  std::uint64_t run_bucket = 0;
  ChannelSize run;
  while (pos < records.size()) {
    // The loop encoded these records: their headers are whole and true.
    auto key = load_le<std::uint64_t>(records.data() + pos);
    auto len = load_le<std::uint64_t>(records.data() + pos + 8);
    std::uint64_t bucket = store::bucket_start(key);
    if (run.records > 0 && bucket != run_bucket) {
      apply_run(id, run_bucket, records.substr(run_start, pos - run_start), run, seq, result);
      run = {};
      run_start = pos;
    }
    run_bucket = bucket;
    run.records += 1;
    run.bytes += len;
    pos += store::record_size(len);
  }
  if (run.records > 0)
    apply_run(id, run_bucket, records.substr(run_start), run, seq, result);
}

// Appends a run of encoded records of one bucket (count: its records and value bytes).
void
Writer::apply_run(std::uint32_t id,
                  std::uint64_t bucket_start,
                  std::string_view run,
                  ChannelSize count,
                  std::uint64_t seq,
                  GroupResult& result)
{
  std::string error;
  OpenFile* f = open_bucket(id, bucket_start, result, error);
  if (!f) {
    if (result.error.empty())
      result.error = error;
    result.failed.push_back(seq);
    return;
  }
  if (f->seqs.empty())
    m_touched.push_back({id, bucket_start});
  f->file->add_encoded(run);
  f->seqs.push_back(seq);
  f->added += count;
  if (f->file->buffered() < flush_bytes)
    return;
  // A big group: write this bucket's part now (in sync mode it is synced with the group).
  flush_file(*f, result);
}

// Writes the records buffered for f; on failure they are the group's failures (and gone).
bool
Writer::flush_file(OpenFile& f, GroupResult& result)
{
  auto status = f.file->flush();
  if (!status) {
    core::log_error("{}", status.error().message);
    if (result.error.empty())
      result.error = status.error().message;
    result.failed.insert(result.failed.end(), f.seqs.begin() + f.unflushed, f.seqs.end());
    f.seqs.resize(f.unflushed);
  } else {
    std::lock_guard lock(m_mutex);
    m_sizes[f.channel] += f.added;
  }
  f.added = {};
  f.unflushed = f.seqs.size();
  return status.ok();
}

// Writes (and in sync mode syncs) every bucket the group touched; records the failures and
// adds what was written to the channels' sizes.
void
Writer::finish_group(GroupResult& result)
{
  for (const FileKey& key : m_touched) {
    auto it = m_files.find(key);
    if (it == m_files.end())
      continue; // removed with its channel in this group
    OpenFile& f = it->second;
    if (flush_file(f, result) && m_options.sync) {
      // A failed sync fails every record of the group in this bucket: they may be on disk or
      // not, and the writers are told they are not (a retry can duplicate, never lose them).
      if (auto status = sync_file(*f.file); !status) {
        core::log_error("{}", status.error().message);
        if (result.error.empty())
          result.error = status.error().message;
        result.failed.insert(result.failed.end(), f.seqs.begin(), f.seqs.end());
      }
    }
    f.seqs.clear();
    f.unflushed = 0;
  }
  m_touched.clear();
  for (const std::string& dir : m_new_dirs)
    if (auto status = store::fsync_dir(dir); !status)
      core::log_error("{}", status.error().message);
  m_new_dirs.clear();
}

// The open bucket for (id, bucket_start), opening it (and closing the least recently used one)
// if needed. A bucket opened for the first time is put in the checkpoint before anything is
// appended, so that a crash finds it.
Writer::OpenFile*
Writer::open_bucket(std::uint32_t id,
                    std::uint64_t bucket_start,
                    GroupResult& result,
                    std::string& error)
{
  FileKey key{id, bucket_start};
  if (auto it = m_files.find(key); it != m_files.end()) {
    m_lru.splice(m_lru.begin(), m_lru, it->second.lru);
    return &it->second;
  }
  if (!m_names.count(id)) {
    error = "append to an undefined channel " + std::to_string(id);
    return nullptr;
  }
  while (m_files.size() >= m_options.max_open_files && !m_lru.empty())
    (void)close_file(m_lru.back(), result); // failures are in result, and logged
  std::string dir = channel_dir(id);
  auto opened = BucketFile::open(dir, bucket_start);
  if (!opened) {
    error = opened.error().message;
    core::log_error("{}", error);
    return nullptr;
  }
  if (opened->created && m_options.sync) {
    m_new_dirs.push_back(dir + "/" + store::slot_name(bucket_start));
    m_new_dirs.push_back(dir);
  }
  m_lru.push_front(key);
  OpenFile& f = m_files[key];
  f.channel = id;
  f.file = std::move(opened->file);
  f.lru = m_lru.begin();
  if (!m_in_checkpoint.count(key))
    if (auto status = checkpoint(); !status) {
      error = "checkpoint: " + status.error().message;
      (void)close_file(key, result);
      return nullptr;
    }
  return &f;
}

// fdatasync of a bucket written since its last one, counted and timed for STATS.
core::Status
Writer::sync_file(BucketFile& file)
{
  if (!file.dirty())
    return {};
  auto start = std::chrono::steady_clock::now();
  auto status = file.sync();
  auto took = std::chrono::steady_clock::now() - start;
  m_syncs.fetch_add(1, std::memory_order_relaxed);
  m_sync_us.fetch_add(std::chrono::duration_cast<std::chrono::microseconds>(took).count(),
                      std::memory_order_relaxed);
  return status;
}

Writer::Counters
Writer::counters() const
{
  return {m_groups.load(std::memory_order_relaxed), m_syncs.load(std::memory_order_relaxed),
          m_sync_us.load(std::memory_order_relaxed)};
}

// Writes, syncs and closes a bucket; its records of this group are done (or failed) now.
core::Status
Writer::close_file(FileKey key, GroupResult& result)
{
  auto it = m_files.find(key);
  if (it == m_files.end())
    return {};
  OpenFile& f = it->second;
  core::Status status;
  if (flush_file(f, result)) {
    status = sync_file(*f.file); // a closed bucket must not need the checkpoint any more
    if (!status) {
      if (result.error.empty())
        result.error = status.error().message;
      result.failed.insert(result.failed.end(), f.seqs.begin(), f.seqs.end());
    }
  } else {
    status = core::make_error(core::Errc::io, result.error);
  }
  m_lru.erase(f.lru);
  m_files.erase(it);
  return status;
}

void
Writer::apply_remove(std::uint32_t id, std::uint64_t seq, GroupResult& result)
{
  std::vector<FileKey> keys;
  for (const auto& [key, f] : m_files)
    if (key.first == id)
      keys.push_back(key);
  for (const FileKey& key : keys) {
    auto it = m_files.find(key);
    it->second.seqs.clear(); // removed with the channel: neither written nor failed
    m_lru.erase(it->second.lru);
    m_files.erase(it);
  }
  std::string dir = channel_dir(id);
  std::string doomed = m_options.data_dir + "/.removing." + std::to_string(seq);
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    // Rename first: a crash in the middle of deleting must not leave half a channel behind.
    std::filesystem::rename(dir, doomed, ec);
    if (!ec)
      (void)store::fsync_dir(m_options.data_dir);
    if (!ec)
      std::filesystem::remove_all(doomed, ec);
  }
  if (ec) {
    core::log_error("cannot remove {}: {}", dir, ec.message());
    if (result.error.empty())
      result.error = "cannot remove " + dir + ": " + ec.message();
    result.failed.push_back(seq);
  }
  {
    std::lock_guard lock(m_mutex);
    m_sizes.erase(id);
  }
  m_names.erase(id);
  for (auto it = m_in_checkpoint.begin(); it != m_in_checkpoint.end();)
    it = it->first == id ? m_in_checkpoint.erase(it) : std::next(it);
}

// Syncs every open bucket and records how far each is good, and every channel's size.
core::Status
Writer::checkpoint()
{
  m_next_checkpoint = std::chrono::steady_clock::now() + m_options.checkpoint_interval;
  Checkpoint cp;
  cp.has_sizes = true;
  std::set<FileKey> listed;
  for (auto& [key, f] : m_files) {
    // Only what is in the file counts: buffered records of the current group come later.
    SHOAL_TRY(sync_file(*f.file));
    cp.buckets.push_back({m_names[key.first], key.second, f.file->size()});
    listed.insert(key);
  }
  {
    std::lock_guard lock(m_mutex);
    // Every record in a listed file before its offset is counted here: sizes grow as soon
    // as a flush has written the records, and buffered ones are in no file yet.
    for (const auto& [id, name] : m_names) {
      ChannelSize size = m_sizes[id];
      cp.channels.push_back({name, size.records, size.bytes});
    }
  }
  SHOAL_TRY(store::write_file_atomic(m_options.data_dir + "/" + std::string(checkpoint_file),
                                     encode_checkpoint(cp)));
  m_in_checkpoint = std::move(listed);
  return {};
}

// At stop: every bucket synced and closed, every channel's sizeinfo written, the checkpoint
// removed: the next start trusts the files as they are.
core::Status
Writer::finish_all()
{
  core::Status first;
  GroupResult nothing; // no group is open at stop: every file's buffer is empty
  while (!m_lru.empty())
    if (auto status = close_file(m_lru.back(), nothing); !status && first)
      first = status;
  std::unordered_map<std::uint32_t, ChannelSize> sizes;
  {
    std::lock_guard lock(m_mutex);
    sizes = m_sizes;
  }
  for (const auto& [id, name] : m_names) {
    std::error_code ec;
    if (!std::filesystem::is_directory(channel_dir(id), ec))
      continue; // defined, but nothing was ever written
    if (auto status = write_size_info(channel_dir(id), sizes[id]); !status && first)
      first = status;
  }
  if (!first)
    return first; // keep the checkpoint: the next start checks the buckets
  SHOAL_TRY(store::remove_file(m_options.data_dir + "/" + std::string(checkpoint_file)));
  return store::fsync_dir(m_options.data_dir);
}

std::string
Writer::channel_dir(std::uint32_t id) const
{
  auto it = m_names.find(id);
  return m_options.data_dir + "/" + (it == m_names.end() ? std::string("?") : it->second);
}

} // namespace shoal::logfilesnode
