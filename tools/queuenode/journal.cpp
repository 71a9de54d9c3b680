// Journal: buffered appends on the loop thread, group commit on the sync thread.
#include "journal.hpp"

#include "core/log.hpp"
#include "store/atomic_file.hpp"
#include "store/file_io.hpp"

#include <fcntl.h>

namespace shoal::queuenode {

using store::Fd;
using store::open_file;
using store::remove_file;
using store::sync_data;

namespace {
// Entries handed over in the middle of a loop iteration once they are this large: an
// iteration of a node serving 100 connections can last milliseconds, and the sync thread
// should not wait for all of it. One lock per some 500 records costs nothing.
constexpr std::size_t publish_bytes = 64 << 10;

std::string
parent_dir(const std::string& path)
{
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}
} // namespace

core::Result<std::unique_ptr<Journal>>
Journal::create(std::string path,
                std::uint64_t generation,
                std::uint64_t first_seq,
                JournalOptions options,
                bool sync_dir)
{
  auto fd = open_file(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
  if (!fd)
    return fd.take_error();
  auto s = store::write_all(fd->get(), encode_journal_header(generation, first_seq), path);
  if (s)
    s = sync_data(fd->get(), path);
  if (s && sync_dir)
    s = store::fsync_dir(parent_dir(path));
  if (!s) {
    (void)remove_file(path);
    return s.take_error();
  }
  return std::unique_ptr<Journal>(
      new Journal(std::move(path), std::move(*fd), generation, first_seq, std::move(options)));
}

Journal::Journal(std::string path,
                 Fd fd,
                 std::uint64_t generation,
                 std::uint64_t first_seq,
                 JournalOptions options)
    : m_path(std::move(path)), m_fd(std::move(fd)), m_generation(generation),
      m_options(std::move(options)), m_appended(first_seq - 1), m_size(journal_header_size),
      m_synced(first_seq - 1)
{
  m_thread = std::thread([this] { run(); });
}

Journal::~Journal()
{
  stop(false);
}

std::uint64_t
Journal::append(EntryType type, std::uint32_t queue, std::string_view data)
{
  char prefix[13];
  encode_entry_prefix(prefix, type, queue, data);
  m_local.append(prefix, sizeof prefix);
  m_local.append(data);
  m_size += sizeof prefix + data.size();
  ++m_appended;
  if (m_local.size() >= publish_bytes)
    publish(); // a busy loop iteration: let the sync thread start on this much now
  return m_appended;
}

void
Journal::publish()
{
  if (m_local.empty())
    return;
  bool wake;
  {
    std::lock_guard lock(m_mutex);
    bool first = m_pending.empty();
    if (first) {
      m_first_pending = std::chrono::steady_clock::now();
      m_pending.swap(m_local); // the sync thread's emptied buffer comes back as ours
    } else {
      m_pending.append(m_local);
    }
    m_pending_seq = m_appended;
    wake = first || m_pending.size() >= m_options.group_bytes;
  }
  m_local.clear();
  if (wake)
    m_wake.notify_one();
}

std::uint64_t
Journal::backlog() const
{
  std::lock_guard lock(m_mutex);
  return m_pending.size() + m_local.size();
}

core::Error
Journal::error() const
{
  std::lock_guard lock(m_mutex);
  return m_error;
}

void
Journal::wait_synced(std::uint64_t seq)
{
  publish();
  std::unique_lock lock(m_mutex);
  m_synced_cv.wait(lock, [&] { return synced() >= seq || failed() || m_stop; });
}

void
Journal::stop(bool discard)
{
  if (!discard)
    publish();
  {
    std::lock_guard lock(m_mutex);
    if (m_stop && !m_thread.joinable())
      return;
    m_stop = true;
    m_discard = m_discard || discard;
  }
  m_wake.notify_all();
  if (m_thread.joinable())
    m_thread.join();
  m_synced_cv.notify_all();
}

void
Journal::run()
{
  std::unique_lock lock(m_mutex);
  while (wait_for_group(lock)) {
    m_writing.swap(m_pending);
    std::uint64_t seq = m_pending_seq;
    lock.unlock();
    write_group(seq);
    lock.lock();
    if (failed()) // nothing more is written; wait to be stopped
      m_wake.wait(lock, [&] { return m_stop; });
  }
}

// Waits until a group should be written; false when the thread should end.
bool
Journal::wait_for_group(std::unique_lock<std::mutex>& lock)
{
  m_wake.wait(lock, [&] { return m_stop || !m_pending.empty(); });
  if (m_stop)
    return !m_discard && !m_pending.empty();
  auto full = [&] { return m_stop || m_pending.size() >= m_options.group_bytes; };
  m_wake.wait_until(lock, m_first_pending + m_options.interval, full);
  return !(m_stop && m_discard);
}

void
Journal::write_group(std::uint64_t seq)
{
  auto s = store::write_all(m_fd.get(), m_writing, m_path);
  if (s)
    s = sync_data(m_fd.get(), m_path);
  if (m_writing.capacity() > 4 * m_options.group_bytes)
    m_writing = std::string(); // after a burst: do not keep its memory
  m_writing.clear();
  {
    std::lock_guard lock(m_mutex);
    if (s) {
      m_synced.store(seq, std::memory_order_release);
    } else {
      m_error = s.error();
      m_failed.store(true, std::memory_order_release);
    }
  }
  m_synced_cv.notify_all();
  if (!s)
    core::log_error("journal: {}; pushes are refused until a checkpoint succeeds",
                    s.error().message);
  if (m_options.wakeup)
    m_options.wakeup();
}

} // namespace shoal::queuenode
