// BucketReader: a sliding buffer over the file; records are parsed in place and handed out as
// views, so a scan copies each byte once (the read) and checksums it once.
#include "store/bucket_reader.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace shoal::store {

// Where the bytes come from: pread on a plain file, zlib on a ".gz" one.
struct BucketReader::Source {
  std::string path;
  int fd = -1;
  gzFile gz = nullptr;
  std::uint64_t pos = 0; // plain: the next pread offset

  ~Source()
  {
    if (gz)
      gzclose(gz);
    else if (fd >= 0)
      close(fd);
  }

  core::Result<std::size_t> read(char* p, std::size_t n)
  {
    if (gz) {
      int got = gzread(gz, p, static_cast<unsigned>(std::min<std::size_t>(n, 1 << 30)));
      if (got < 0) {
        int errnum = 0;
        const char* what = gzerror(gz, &errnum);
        return core::make_error(core::Errc::bad_data, path + ": " + what);
      }
      return static_cast<std::size_t>(got);
    }
    for (;;) {
      ssize_t got = pread(fd, p, n, static_cast<off_t>(pos));
      if (got >= 0) {
        pos += static_cast<std::uint64_t>(got);
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR)
        return core::sys_error("read " + path, errno);
    }
  }

  core::Result<bool> seek(std::uint64_t offset)
  {
    if (!gz) {
      pos = offset;
      return true;
    }
    if (gzseek(gz, static_cast<z_off_t>(offset), SEEK_SET) < 0)
      return core::make_error(core::Errc::bad_data, path + ": cannot seek in the compressed file");
    return true;
  }
};

namespace {

// The size of the record whose header starts in: its header and the length it announces (the
// header alone while the length is not there yet). Only called below max_value.
std::size_t
announced_size(std::string_view in, std::size_t header)
{
  if (in.size() < header)
    return header;
  std::uint64_t len = 0;
  std::memcpy(&len, in.data() + 8, sizeof len);
  return header + static_cast<std::size_t>(len);
}

bool
ends_with(std::string_view s, std::string_view suffix)
{
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace

core::Result<BucketReader>
BucketReader::open(const std::string& path, const BucketReadOptions& opts)
{
  auto source = std::make_unique<Source>();
  source->path = path;
  source->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source->fd < 0)
    return core::sys_error("open " + path, errno);
  if (ends_with(path, ".gz")) {
    source->gz = gzdopen(source->fd, "rb");
    if (!source->gz)
      return core::make_error(core::Errc::io, path + ": cannot start gzip decompression");
  }
  BucketReader reader(std::move(source), opts);
  auto head = reader.fill(bucket_header_size);
  if (!head)
    return head.take_error();
  std::string_view first(reader.m_buf.data(), std::min(reader.m_end, bucket_header_size));
  HeaderCheck check = check_bucket_header(first, reader.m_eof && reader.m_end < bucket_header_size);
  if (check.kind == HeaderCheck::Kind::unsupported)
    return core::make_error(core::Errc::bad_data, path + ": bucket format version " +
                                                      std::to_string(check.version) +
                                                      " is newer than this program knows");
  reader.m_format = check.format;
  reader.m_torn = check.kind == HeaderCheck::Kind::torn;
  if (reader.m_torn) {
    reader.m_pos = reader.m_end;
    reader.m_offset = reader.m_end;
    reader.m_eof = true;
    return reader;
  }
  std::uint64_t start = std::max<std::uint64_t>(opts.start, file_header_size(check.format));
  if (start <= reader.m_end) {
    reader.m_pos = start;
    reader.m_offset = start;
    return reader;
  }
  if (auto seek = reader.m_source->seek(start); !seek)
    return seek.take_error();
  reader.m_pos = reader.m_end = 0;
  reader.m_offset = start;
  reader.m_eof = start >= opts.limit;
  return reader;
}

BucketReader::BucketReader(std::unique_ptr<Source> source, const BucketReadOptions& opts)
    : m_source(std::move(source)), m_opts(opts)
{
  m_buf.resize(std::max<std::size_t>(opts.buffer_size, 64 << 10));
}

BucketReader::BucketReader(BucketReader&&) noexcept = default;
BucketReader& BucketReader::operator=(BucketReader&&) noexcept = default;
BucketReader::~BucketReader() = default;

bool
BucketReader::compressed() const
{
  return m_source->gz != nullptr;
}

// Makes at least want bytes available from m_pos, unless the file (or the limit) ends first.
core::Result<bool>
BucketReader::fill(std::size_t want)
{
  if (m_end - m_pos >= want || m_eof)
    return true;
  if (m_pos > 0) {
    std::memmove(m_buf.data(), m_buf.data() + m_pos, m_end - m_pos);
    m_end -= m_pos;
    m_pos = 0;
  }
  if (m_buf.size() < want)
    m_buf.resize(want);
  while (m_end < want && !m_eof) {
    std::uint64_t file_end = m_offset + m_end; // the file offset m_buf[m_end] stands for
    std::size_t room = m_buf.size() - m_end;
    if (m_opts.limit - file_end < room)
      room = static_cast<std::size_t>(m_opts.limit - file_end);
    if (room == 0) {
      m_eof = true;
      break;
    }
    auto got = m_source->read(m_buf.data() + m_end, room);
    if (!got)
      return got.take_error();
    if (*got == 0)
      m_eof = true;
    m_end += *got;
  }
  return true;
}

core::Result<BucketReader::Item>
BucketReader::next()
{
  Item item;
  if (m_damaged)
    return item; // the caller did not skip: the reader stays at the damage
  std::size_t header = record_header_size(m_format);
  for (std::size_t want = header;;) {
    if (auto f = fill(want); !f)
      return f.take_error();
    std::string_view in(m_buf.data() + m_pos, m_end - m_pos);
    if (in.empty() && m_eof)
      return item; // end
    RecordParse r = parse_record(m_format, in, m_opts.first_key, m_opts.max_value);
    if (r.status == RecordStatus::truncated && !m_eof) {
      want = std::max(announced_size(in, header), in.size() + 1);
      continue;
    }
    item.offset = m_offset;
    if (r.status != RecordStatus::ok) {
      m_damage = r;
      m_damaged = true;
      item.kind = Item::Kind::damaged;
      item.key = r.key;
      item.status = r.status;
      return item;
    }
    item.kind = Item::Kind::record;
    item.key = r.key;
    item.value = r.value;
    m_pos += r.size;
    m_offset += r.size;
    return item;
  }
}

core::Result<bool>
BucketReader::skip_damage()
{
  if (!m_damaged)
    return true;
  m_damaged = false;
  if (m_damage.size > 0) { // out_of_range, bad_checksum: the length is known and sound
    if (auto f = fill(m_damage.size); !f)
      return f.take_error();
    std::size_t skip = std::min(m_damage.size, m_end - m_pos);
    m_pos += skip;
    m_offset += skip;
    return true;
  }
  return find_next_record();
}

// Slides one byte at a time until a whole record parses with its checksum (v2 only: a v1
// parity byte or a legacy length matches garbage far too often to trust).
core::Result<bool>
BucketReader::find_next_record()
{
  if (m_format != BucketFormat::v2) {
    m_offset += m_end - m_pos;
    m_pos = m_end;
    m_eof = true;
    return false;
  }
  std::size_t header = record_header_size(m_format);
  for (;;) {
    ++m_pos;
    ++m_offset;
    if (auto f = fill(header); !f)
      return f.take_error();
    std::string_view in(m_buf.data() + m_pos, m_end - m_pos);
    if (in.size() < header) {
      m_offset += in.size();
      m_pos = m_end;
      return false;
    }
    RecordParse r = parse_record(m_format, in, m_opts.first_key, m_opts.max_value);
    if (r.status == RecordStatus::truncated) {
      if (auto f = fill(announced_size(in, header)); !f)
        return f.take_error();
      in = std::string_view(m_buf.data() + m_pos, m_end - m_pos);
      r = parse_record(m_format, in, m_opts.first_key, m_opts.max_value);
    }
    if (r.status == RecordStatus::ok)
      return true;
  }
}

} // namespace shoal::store
