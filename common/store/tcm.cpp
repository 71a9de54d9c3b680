// .tcm writer (buffered, atomic via AtomicFile) and reader (mmap, every length bounds-checked).
#include "store/tcm.hpp"

#include "core/hex.hpp"

#include <fmt/core.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <utility>

namespace shoal::store {

namespace {
constexpr std::size_t u64_size = 8;
constexpr std::size_t record_head_size = u64_size + core::key_hex_digits + u64_size;

// Length fields are little endian on disk whatever the host (the originals ran on x86-64).
std::uint64_t
to_le(std::uint64_t v)
{
  if constexpr (std::endian::native == std::endian::big)
    return __builtin_bswap64(v);
  return v;
}

void
put_u64(char* out, std::uint64_t v)
{
  v = to_le(v);
  std::memcpy(out, &v, u64_size);
}

std::uint64_t
get_u64(const char* in)
{
  std::uint64_t v;
  std::memcpy(&v, in, u64_size);
  return to_le(v);
}

core::Error
problem_error(TcmProblem* out, TcmProblem problem, core::Error error)
{
  if (out)
    *out = problem;
  return error;
}

// Checks the 8-byte version header that both open() and from_buffer() start with.
core::Status
check_header(std::string_view data, const std::string& name, TcmProblem* problem)
{
  using core::Errc;
  if (data.empty())
    return problem_error(problem, TcmProblem::empty,
                         core::make_error(Errc::bad_data, name + ": empty file"));
  if (data.size() < u64_size)
    return problem_error(
        problem, TcmProblem::unsupported_version,
        core::make_error(Errc::bad_data, fmt::format("{}: {} bytes, too short for the format "
                                                     "version",
                                                     name, data.size())));
  if (std::uint64_t v = get_u64(data.data()); v != tcm_version)
    return problem_error(
        problem, TcmProblem::unsupported_version,
        core::make_error(Errc::bad_data, fmt::format("{}: unsupported format version {} (pre-2014 "
                                                     "files begin with a record count)",
                                                     name, v)));
  if (problem)
    *problem = TcmProblem::none;
  return {};
}
} // namespace

core::Result<TcmWriter>
TcmWriter::create(const std::string& path)
{
  auto file = AtomicFile::create(path, tcm_temp_suffix);
  if (!file)
    return file.take_error();
  char header[u64_size];
  put_u64(header, tcm_version);
  SHOAL_TRY(file->write({header, sizeof header}));
  return TcmWriter(std::move(*file));
}

core::Status
TcmWriter::add(std::uint64_t key, std::string_view value)
{
  char hex[core::key_hex_digits];
  core::format_key(key, hex);
  return add_record(hex, value);
}

core::Status
TcmWriter::add_hex(std::string_view hex_key, std::string_view value)
{
  if (hex_key.size() != core::key_hex_digits)
    return core::make_error(core::Errc::usage, fmt::format("{}: key of {} bytes, a dump key has 16",
                                                           m_file.final_path(), hex_key.size()));
  return add_record(hex_key.data(), value);
}

core::Status
TcmWriter::add_record(const char* hex_key, std::string_view value)
{
  // One 32-byte head per record keeps it to two buffered writes and no allocation.
  char head[record_head_size];
  put_u64(head, core::key_hex_digits);
  std::memcpy(head + u64_size, hex_key, core::key_hex_digits);
  put_u64(head + u64_size + core::key_hex_digits, value.size());
  SHOAL_TRY(m_file.write({head, sizeof head}));
  SHOAL_TRY(m_file.write(value));
  ++m_records;
  m_bytes += core::key_hex_digits + value.size() + 2 * u64_size;
  return {};
}

core::Status
TcmWriter::commit()
{
  // The end marker (a zero key length) and the padding are all zero bytes.
  char tail[u64_size + tcm_block_size] = {};
  std::uint64_t end = m_file.bytes_written() + u64_size;
  std::size_t pad = (tcm_block_size - end % tcm_block_size) % tcm_block_size;
  SHOAL_TRY(m_file.write({tail, u64_size + pad}));
  return m_file.commit();
}

std::string_view
tcm_problem_name(TcmProblem problem)
{
  switch (problem) {
  case TcmProblem::none: return "none";
  case TcmProblem::io: return "io";
  case TcmProblem::empty: return "empty";
  case TcmProblem::unsupported_version: return "unsupported_version";
  case TcmProblem::truncated: return "truncated";
  case TcmProblem::corrupt: return "corrupt";
  }
  return "?";
}

core::Result<TcmReader>
TcmReader::open(const std::string& path, TcmProblem* problem)
{
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    auto error = core::sys_error("cannot open " + path, e);
    if (e == ENOENT)
      error.code = core::Errc::not_found;
    return problem_error(problem, TcmProblem::io, std::move(error));
  }
  struct stat st {
  };
  int stat_errno = ::fstat(fd, &st) != 0 ? errno : S_ISREG(st.st_mode) ? 0 : EINVAL;
  if (stat_errno != 0) {
    ::close(fd);
    return problem_error(problem, TcmProblem::io,
                         core::sys_error("cannot read " + path, stat_errno));
  }
  auto size = static_cast<std::size_t>(st.st_size);
  void* map = size ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : nullptr;
  int map_errno = errno;
  ::close(fd);
  if (map == MAP_FAILED)
    return problem_error(problem, TcmProblem::io, core::sys_error("cannot map " + path, map_errno));
  if (map)
    ::madvise(map, size, MADV_SEQUENTIAL); // a hint: read-ahead, drop pages behind
  TcmReader reader(path, static_cast<const char*>(map), size, map != nullptr);
  SHOAL_TRY(check_header({reader.m_data, size}, path, problem));
  return reader;
}

core::Result<TcmReader>
TcmReader::from_buffer(std::string_view data, std::string name, TcmProblem* problem)
{
  SHOAL_TRY(check_header(data, name, problem));
  return TcmReader(std::move(name), data.data(), data.size(), false);
}

TcmReader::TcmReader(std::string path, const char* data, std::size_t size, bool mapped)
    : m_path(std::move(path)), m_data(data), m_size(size), m_mapped(mapped), m_pos(u64_size)
{
}

TcmReader::TcmReader(TcmReader&& other) noexcept
    : m_path(std::move(other.m_path)), m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)), m_mapped(std::exchange(other.m_mapped, false)),
      m_pos(other.m_pos), m_ended(other.m_ended), m_trailing_garbage(other.m_trailing_garbage),
      m_problem(other.m_problem), m_error(std::move(other.m_error))
{
}

TcmReader&
TcmReader::operator=(TcmReader&& other) noexcept
{
  if (this != &other) {
    release();
    m_path = std::move(other.m_path);
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_mapped = std::exchange(other.m_mapped, false);
    m_pos = other.m_pos;
    m_ended = other.m_ended;
    m_trailing_garbage = other.m_trailing_garbage;
    m_problem = other.m_problem;
    m_error = std::move(other.m_error);
  }
  return *this;
}

TcmReader::~TcmReader()
{
  release();
}

void
TcmReader::release()
{
  if (m_mapped)
    ::munmap(const_cast<char*>(m_data), m_size);
  m_mapped = false;
  m_data = nullptr;
}

core::Result<bool>
TcmReader::next(TcmRecord& out)
{
  if (m_problem != TcmProblem::none)
    return core::make_error(core::Errc::bad_data, m_error);
  if (m_ended)
    return false;
  const std::uint64_t start = m_pos;
  std::uint64_t key_len = 0;
  if (!read_length(key_len))
    return m_pos == m_size ? fail(TcmProblem::truncated, start,
                                  fmt::format("no end marker (file ends at offset {})", start))
                           : fail(TcmProblem::truncated, start,
                                  fmt::format("truncated record at offset {}", start));
  if (key_len == 0) {
    finish();
    return false;
  }
  if (key_len > tcm_max_key_length)
    return fail(TcmProblem::corrupt, start,
                fmt::format("key length {} at offset {} is larger than any key", key_len, start));
  if (key_len > m_size - m_pos)
    return fail(TcmProblem::truncated, start,
                fmt::format("key length {} at offset {} exceeds the file ({} bytes left)", key_len,
                            start, m_size - m_pos));
  std::string_view key{m_data + m_pos, key_len};
  m_pos += key_len;
  std::uint64_t value_len = 0;
  const std::uint64_t value_at = m_pos;
  if (!read_length(value_len))
    return fail(TcmProblem::truncated, start, fmt::format("truncated record at offset {}", start));
  if (value_len > m_size - m_pos)
    return fail(TcmProblem::truncated, start,
                fmt::format("value length {} at offset {} (record at offset {}) exceeds the file "
                            "({} bytes left)",
                            value_len, value_at, start, m_size - m_pos));
  out = TcmRecord{key, {m_data + m_pos, value_len}, start};
  m_pos += value_len;
  return true;
}

bool
TcmReader::read_length(std::uint64_t& out)
{
  if (m_size - m_pos < u64_size)
    return false;
  out = get_u64(m_data + m_pos);
  m_pos += u64_size;
  return true;
}

core::Result<bool>
TcmReader::fail(TcmProblem problem, std::uint64_t record, std::string message)
{
  m_pos = record; // offset() then points at the record that failed, for salvage reports
  m_problem = problem;
  m_error = m_path + ": " + message;
  return core::make_error(core::Errc::bad_data, m_error);
}

void
TcmReader::finish()
{
  m_ended = true;
  for (std::uint64_t i = m_pos; i < m_size; ++i) {
    if (m_data[i] != 0) {
      m_trailing_garbage = true;
      break;
    }
  }
}

} // namespace shoal::store
