// BucketFile: creation, the upgrade of old formats, and appends that never leave a torn record
// behind on a write error.
#include "bucket_file.hpp"

#include "core/log.hpp"
#include "store/atomic_file.hpp"
#include "store/bucket_format.hpp"
#include "store/bucket_layout.hpp"
#include "store/bucket_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace shoal::logfilesnode {

namespace {

core::Status
make_dir(const std::string& dir)
{
  if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST)
    return {};
  return core::sys_error("mkdir " + dir, errno);
}

// Rewrites a legacy or v1 bucket in the current format, keeping every valid record; returns
// how many records were damaged beyond saving.
core::Result<std::uint64_t>
upgrade(const std::string& path, std::uint64_t bucket_start)
{
  store::BucketReadOptions opts;
  opts.first_key = bucket_start;
  auto reader = store::BucketReader::open(path, opts);
  if (!reader)
    return reader.take_error();
  auto out = store::AtomicFile::create(path, ".upgrading");
  if (!out)
    return out.take_error();
  std::string bytes;
  store::append_bucket_header(bytes);
  std::uint64_t damaged = 0;
  for (;;) {
    auto item = reader->next();
    if (!item)
      return item.take_error();
    if (item->kind == store::BucketReader::Item::Kind::end)
      break;
    if (item->kind == store::BucketReader::Item::Kind::damaged) {
      ++damaged;
      auto more = reader->skip_damage();
      if (!more)
        return more.take_error();
      if (!*more)
        break;
      continue;
    }
    store::append_record(item->key, item->value, bytes);
    if (bytes.size() >= (1 << 20)) {
      SHOAL_TRY(out->write(bytes));
      bytes.clear();
    }
  }
  SHOAL_TRY(out->write(bytes));
  SHOAL_TRY(out->commit());
  return damaged;
}

} // namespace

core::Result<BucketFile::Opened>
BucketFile::open(const std::string& channel_dir, std::uint64_t bucket_start)
{
  std::string slot_dir = channel_dir + "/" + store::slot_name(bucket_start);
  SHOAL_TRY(make_dir(channel_dir));
  SHOAL_TRY(make_dir(slot_dir));
  std::string path = slot_dir + "/" + store::bucket_name(bucket_start);
  Opened opened;
  for (int attempt = 0;; ++attempt) {
    auto fd = store::open_file(path, O_RDWR | O_CREAT);
    if (!fd)
      return fd.take_error();
    auto size = store::file_size(fd->get(), path);
    if (!size)
      return size.take_error();
    char head[store::bucket_header_size];
    std::size_t got = std::min<std::uint64_t>(*size, sizeof head);
    if (got > 0)
      SHOAL_TRY(store::read_exact(fd->get(), head, got, 0, path));
    auto check = store::check_bucket_header(std::string_view(head, got), got == *size);
    if (check.kind == store::HeaderCheck::Kind::unsupported)
      return core::make_error(core::Errc::bad_data,
                              path + ": bucket format version " + std::to_string(check.version) +
                                  " is newer than this program; not appending to it");
    bool empty = *size == 0 || check.kind == store::HeaderCheck::Kind::torn;
    if (empty) {
      std::string header;
      store::append_bucket_header(header);
      SHOAL_TRY(store::truncate_file(fd->get(), 0, path));
      SHOAL_TRY(store::write_at(fd->get(), header, 0, path));
      opened.created = opened.created || *size == 0;
      opened.file.reset(new BucketFile(path, std::move(*fd), bucket_start, header.size()));
      opened.file->m_dirty = true;
      return opened;
    }
    if (check.format == store::BucketFormat::v2) {
      opened.file.reset(new BucketFile(path, std::move(*fd), bucket_start, *size));
      return opened;
    }
    if (attempt > 0)
      return core::make_error(core::Errc::io, path + ": still in an old format after upgrading");
    auto damaged = upgrade(path, bucket_start);
    if (!damaged)
      return damaged.take_error();
    core::log_info("{}: upgraded a {} bucket to the current format{}", path,
                   store::format_name(check.format),
                   *damaged ? " (" + std::to_string(*damaged) + " damaged records dropped)" : "");
    opened.upgraded = true;
    opened.dropped = *damaged;
  }
}

BucketFile::BucketFile(std::string path,
                       store::Fd fd,
                       std::uint64_t bucket_start,
                       std::uint64_t size)
    : m_path(std::move(path)), m_fd(std::move(fd)), m_bucket_start(bucket_start), m_size(size)
{
}

core::Status
BucketFile::flush()
{
  if (m_buffer.empty())
    return {};
  auto status = store::write_at(m_fd.get(), m_buffer, m_size, m_path);
  if (!status) {
    // Cut off whatever part of the buffer did reach the file: a reader must never find half
    // a record, and the next group must start at a record boundary.
    if (auto cut = store::truncate_file(m_fd.get(), m_size, m_path); !cut)
      core::log_error("{}", cut.error().message);
    m_buffer.clear();
    return status;
  }
  m_size += m_buffer.size();
  m_buffer.clear();
  m_dirty = true;
  return {};
}

core::Status
BucketFile::sync()
{
  if (!m_dirty)
    return {};
  SHOAL_TRY(store::sync_data(m_fd.get(), m_path));
  m_dirty = false;
  return {};
}

} // namespace shoal::logfilesnode
