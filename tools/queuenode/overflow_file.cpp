// OverflowFile: buffered appends, chunked read-ahead, start-up scan, hole punching and reset.
#include "overflow_file.hpp"

#include "overflow_format.hpp"

#include "core/bytes.hpp"
#include "core/log.hpp"
#include "store/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <limits>

namespace shoal::queuenode {

using core::append_le;
using core::load_le;
using store::damaged;
using store::Fd;
using store::open_file;
using store::read_exact;
using store::remove_file;
using store::sync_data;
using store::truncate_file;
using store::write_at;

namespace {
// Punching works in file system blocks; the first block (with the header) is never punched.
constexpr std::uint64_t block = 4096;
} // namespace

OverflowFile::OverflowFile(std::string path, Fd fd, std::uint64_t file_id, OverflowParams params)
    : m_path(std::move(path)), m_fd(std::move(fd)), m_file_id(file_id), m_params(params),
      m_read(overflow_header_size), m_end(overflow_header_size), m_flushed(overflow_header_size),
      m_safe(overflow_header_size), m_hole_end(block)
{
}

OverflowFile::OverflowFile(OverflowFile&& other) noexcept
{
  *this = std::move(other);
}

OverflowFile&
OverflowFile::operator=(OverflowFile&& other) noexcept
{
  if (this != &other) {
    if (m_params.disk_used)
      *m_params.disk_used -= m_accounted;
    m_path = std::move(other.m_path);
    m_fd = std::move(other.m_fd);
    m_file_id = other.m_file_id;
    m_params = other.m_params;
    m_read = other.m_read;
    m_end = other.m_end;
    m_flushed = other.m_flushed;
    m_synced = other.m_synced;
    m_safe = other.m_safe;
    m_hole_end = other.m_hole_end;
    m_records = other.m_records;
    m_bytes = other.m_bytes;
    m_accounted = std::exchange(other.m_accounted, 0);
    m_front_size = other.m_front_size;
    m_checked = other.m_checked;
    m_punch_ok = other.m_punch_ok;
    m_punch_tried = other.m_punch_tried;
    m_append = std::move(other.m_append);
    m_ahead = std::move(other.m_ahead);
    m_ahead_capacity = std::exchange(other.m_ahead_capacity, 0);
    m_ahead_offset = other.m_ahead_offset;
    m_ahead_size = std::exchange(other.m_ahead_size, 0);
  }
  return *this;
}

OverflowFile::~OverflowFile()
{
  if (m_params.disk_used)
    *m_params.disk_used -= m_accounted;
}

core::Result<OverflowFile>
OverflowFile::create(std::string path, std::uint64_t file_id, OverflowParams params)
{
  auto fd = open_file(path, O_RDWR | O_CREAT | O_EXCL);
  if (!fd)
    return fd.take_error();
  OverflowFile file(std::move(path), std::move(*fd), file_id, params);
  OverflowHeader header;
  header.file_id = file_id;
  if (auto s = store::write_all(file.m_fd.get(), encode_overflow_header(header), file.m_path); !s) {
    (void)remove_file(file.m_path);
    return s.take_error();
  }
  file.update_tally();
  return file;
}

core::Status
OverflowFile::append(std::string_view value)
{
  if (value.size() > std::numeric_limits<std::uint32_t>::max())
    return core::make_error(core::Errc::usage, m_path + ": record larger than 4 GiB");
  std::uint64_t size = record_size(value.size());
  if (!m_append.empty() && m_append.size() + size > m_params.chunk)
    SHOAL_TRY(flush());
  append_le<std::uint32_t>(m_append, static_cast<std::uint32_t>(value.size()));
  append_le<std::uint32_t>(m_append, overflow_record_crc(value));
  m_append.append(value);
  m_end += size;
  ++m_records;
  m_bytes += value.size();
  update_tally();
  return {};
}

core::Result<std::string_view>
OverflowFile::front()
{
  assert(!empty());
  if (m_read >= m_flushed) { // still in the append buffer: checked when it was written
    const char* p = m_append.data() + (m_read - m_flushed);
    auto size = load_le<std::uint32_t>(p);
    m_front_size = record_size(size);
    return std::string_view(p + overflow_record_header, size);
  }
  auto record = record_at(m_read);
  if (record)
    m_front_size = record_size(record->size());
  return record;
}

void
OverflowFile::pop_front()
{
  assert(m_front_size != 0 && !empty());
  m_read += m_front_size;
  m_bytes -= m_front_size - overflow_record_header;
  --m_records;
  m_front_size = 0;
}

core::Result<std::string_view>
OverflowFile::record_at(std::uint64_t offset)
{
  if (m_flushed - offset < overflow_record_header)
    return damaged(m_path, offset, "record header runs past the end of the file");
  SHOAL_TRY(ensure(offset, overflow_record_header));
  const char* p = m_ahead.get() + (offset - m_ahead_offset);
  auto size = load_le<std::uint32_t>(p);
  auto crc = load_le<std::uint32_t>(p + 4);
  if (size > m_flushed - offset - overflow_record_header)
    return damaged(m_path, offset,
                   "record of " + std::to_string(size) + " bytes runs past the end of the file");
  SHOAL_TRY(ensure(offset, record_size(size)));
  std::string_view payload(m_ahead.get() + (offset - m_ahead_offset) + overflow_record_header,
                           size);
  if (m_checked != offset && overflow_record_crc(payload) != crc)
    return damaged(m_path, offset, "record checksum mismatch");
  m_checked = offset;
  return payload;
}

core::Status
OverflowFile::ensure(std::uint64_t offset, std::size_t size)
{
  if (offset >= m_ahead_offset && offset + size <= m_ahead_offset + m_ahead_size)
    return {};
  auto want = static_cast<std::size_t>(
      std::min<std::uint64_t>(std::max(size, m_params.chunk), m_flushed - offset));
  if (want > m_ahead_capacity) {
    m_ahead = std::make_unique_for_overwrite<char[]>(want);
    m_ahead_capacity = want;
  }
  m_ahead_size = 0;
  SHOAL_TRY(read_exact(m_fd.get(), m_ahead.get(), want, offset, m_path));
  m_ahead_offset = offset;
  m_ahead_size = want;
  return {};
}

core::Status
OverflowFile::clear()
{
  if (!m_params.durable)
    return reset();
  m_read = m_end; // the bytes stay until a checkpoint no longer needs them
  m_records = m_bytes = 0;
  m_front_size = 0;
  return {};
}

core::Status
OverflowFile::reclaim()
{
  if (!m_params.durable && empty() && m_end > overflow_header_size)
    return reset();
  std::uint64_t limit = std::min(m_params.durable ? m_safe : m_read, m_flushed);
  std::uint64_t target = limit / block * block;
  if (target < m_hole_end + m_params.reclaim_chunk)
    return {};
  SHOAL_TRY(punch(target));
  return write_at(m_fd.get(), encode_overflow_mutable(limit, 0), 32, m_path);
}

core::Status
OverflowFile::punch(std::uint64_t target)
{
  if (!m_punch_ok)
    return {};
  if (m_params.durable && m_params.housekeeper && m_punch_tried) {
    // A whole checkpoint interval of popped records may be dead here: freeing its extents can
    // take the file system a while. The range stays dead (no reset in durable mode).
    int fd = ::dup(m_fd.get());
    if (fd < 0)
      return core::sys_error("cannot dup the descriptor of " + m_path, errno);
    m_params.housekeeper->punch(fd, m_hole_end, target - m_hole_end, m_path);
    m_hole_end = target;
    update_tally();
    return {};
  }
  m_punch_tried = true; // the first time synchronously: it tells whether holes work here
  if (::fallocate(m_fd.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  static_cast<off_t>(m_hole_end), static_cast<off_t>(target - m_hole_end)) != 0) {
    if (errno != EOPNOTSUPP && errno != ENOSYS)
      return core::sys_error("cannot punch a hole in " + m_path, errno);
    core::log_warn("{}: the file system cannot punch holes; the disk space of popped records "
                   "comes back only when the overflow drains",
                   m_path);
    m_punch_ok = false;
    return {};
  }
  m_hole_end = target;
  update_tally();
  return {};
}

core::Status
OverflowFile::reset()
{
  m_append = std::string(); // a drained queue gives its buffers back
  m_ahead.reset();
  m_ahead_capacity = 0;
  m_ahead_size = 0;
  m_front_size = 0;
  m_records = m_bytes = 0;
  if (m_flushed > overflow_header_size) {
    // Cut first: a crash before the header update leaves start beyond the end, which the
    // start-up scan reads as an empty file.
    SHOAL_TRY(truncate_file(m_fd.get(), overflow_header_size, m_path));
    SHOAL_TRY(write_at(m_fd.get(), encode_overflow_mutable(overflow_header_size, 0), 32, m_path));
    SHOAL_TRY(seek(overflow_header_size));
  }
  m_read = m_end = m_flushed = overflow_header_size;
  m_synced = std::min(m_synced, m_flushed);
  m_hole_end = block;
  update_tally();
  return {};
}

core::Status
OverflowFile::flush()
{
  if (m_append.empty())
    return {};
  if (auto s = store::write_all(m_fd.get(), m_append, m_path); !s) {
    // Drop a partial write so that the file ends on a record; the buffer stays for a retry.
    (void)truncate_file(m_fd.get(), m_flushed, m_path);
    (void)seek(m_flushed);
    return s;
  }
  m_flushed += m_append.size();
  m_append.clear();
  return {};
}

core::Status
OverflowFile::sync()
{
  SHOAL_TRY(flush());
  if (m_synced == m_flushed && m_synced != 0)
    return {};
  SHOAL_TRY(sync_data(m_fd.get(), m_path));
  m_synced = m_flushed;
  return {};
}

core::Status
OverflowFile::set_clean(bool clean)
{
  SHOAL_TRY(write_at(m_fd.get(), encode_overflow_mutable(m_read, clean ? overflow_clean : 0), 32,
                     m_path));
  return clean ? sync_data(m_fd.get(), m_path) : core::Status();
}

OverflowState
OverflowFile::state() const
{
  assert(m_append.empty());
  return {m_file_id, m_read, m_end, m_records, m_bytes};
}

core::Status
OverflowFile::remove()
{
  m_fd.reset();
  m_append.clear();
  m_records = m_bytes = 0;
  m_end = m_read = m_flushed = overflow_header_size;
  m_hole_end = block;
  if (m_params.disk_used)
    *m_params.disk_used -= m_accounted;
  m_accounted = 0;
  if (!m_params.housekeeper)
    return remove_file(m_path);
  m_params.housekeeper->remove(m_path);
  return {};
}

std::uint64_t
OverflowFile::disk_bytes() const
{
  return m_end - (m_hole_end - block);
}

core::Status
OverflowFile::seek(std::uint64_t offset)
{
  if (::lseek(m_fd.get(), static_cast<off_t>(offset), SEEK_SET) < 0)
    return core::sys_error("cannot seek in " + m_path, errno);
  return {};
}

void
OverflowFile::update_tally()
{
  std::uint64_t now = disk_bytes();
  if (m_params.disk_used)
    *m_params.disk_used += now - m_accounted;
  m_accounted = now;
}

} // namespace shoal::queuenode
