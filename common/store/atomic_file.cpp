// AtomicFile: temporary file + fdatasync + rename + directory fsync; whole-file helpers.
#include "store/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

namespace shoal::store {

namespace {
WriteHook g_write_hook;

ssize_t
do_write(int fd, const void* data, std::size_t size)
{
  return g_write_hook ? g_write_hook(fd, data, size) : ::write(fd, data, size);
}

} // namespace

core::Status
write_all(int fd, std::string_view bytes, const std::string& path)
{
  const char* data = bytes.data();
  std::size_t size = bytes.size();
  while (size > 0) {
    ssize_t n = do_write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return core::sys_error("cannot write " + path, errno);
    if (n == 0) // no progress and no errno: treat as a full disk rather than spin
      return core::sys_error("cannot write " + path, ENOSPC);
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return {};
}

namespace {

std::string
parent_dir(const std::string& path)
{
  auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}
} // namespace

void
set_write_hook(WriteHook hook)
{
  g_write_hook = std::move(hook);
}

core::Result<AtomicFile>
AtomicFile::create(std::string final_path, std::string_view temp_suffix, std::size_t buffer_size)
{
  std::string temp = final_path + ".XXXXXX";
  temp += temp_suffix;
  int fd = ::mkostemps(temp.data(), static_cast<int>(temp_suffix.size()), O_CLOEXEC);
  if (fd < 0)
    return core::sys_error("cannot create a temporary file for " + final_path, errno);
  // mkostemps creates 0600; dump files are read by backups and tools running as other users.
  if (::fchmod(fd, 0644) != 0) {
    int e = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return core::sys_error("cannot chmod " + temp, e);
  }
  return AtomicFile(std::move(final_path), std::move(temp), fd, buffer_size);
}

AtomicFile::AtomicFile(std::string final_path,
                       std::string temp_path,
                       int fd,
                       std::size_t buffer_size)
    : m_final_path(std::move(final_path)), m_temp_path(std::move(temp_path)), m_fd(fd),
      m_buffer(std::make_unique_for_overwrite<char[]>(buffer_size)), m_capacity(buffer_size)
{
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_final_path(std::move(other.m_final_path)), m_temp_path(std::move(other.m_temp_path)),
      m_fd(std::exchange(other.m_fd, -1)), m_buffer(std::move(other.m_buffer)),
      m_capacity(std::exchange(other.m_capacity, 0)), m_used(std::exchange(other.m_used, 0)),
      m_bytes(std::exchange(other.m_bytes, 0))
{
}

AtomicFile&
AtomicFile::operator=(AtomicFile&& other) noexcept
{
  if (this != &other) {
    abort();
    m_final_path = std::move(other.m_final_path);
    m_temp_path = std::move(other.m_temp_path);
    m_fd = std::exchange(other.m_fd, -1);
    m_buffer = std::move(other.m_buffer);
    m_capacity = std::exchange(other.m_capacity, 0);
    m_used = std::exchange(other.m_used, 0);
    m_bytes = std::exchange(other.m_bytes, 0);
  }
  return *this;
}

AtomicFile::~AtomicFile()
{
  abort();
}

core::Status
AtomicFile::write_slow(std::string_view data)
{
  if (m_fd < 0)
    return closed_error();
  SHOAL_TRY(flush());
  if (data.size() >= m_capacity) {
    if (auto s = write_all(m_fd, data, m_temp_path); !s)
      return fail(s.take_error());
    m_bytes += data.size();
    return {};
  }
  return write(data); // fits the now empty buffer
}

core::Status
AtomicFile::flush()
{
  if (m_used == 0)
    return {};
  auto s = write_all(m_fd, std::string_view(m_buffer.get(), m_used), m_temp_path);
  m_used = 0;
  return s ? s : fail(s.take_error());
}

core::Status
AtomicFile::commit()
{
  if (m_fd < 0)
    return closed_error();
  SHOAL_TRY(flush());
  if (::fdatasync(m_fd) != 0)
    return fail(core::sys_error("cannot sync " + m_temp_path, errno));
  m_buffer.reset();
  int fd = std::exchange(m_fd, -1);
  // close can report a delayed write error (NFS); the data is not safe then.
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(m_temp_path.c_str());
    return core::sys_error("cannot close " + m_temp_path, e);
  }
  if (::rename(m_temp_path.c_str(), m_final_path.c_str()) != 0) {
    int e = errno;
    ::unlink(m_temp_path.c_str());
    return core::sys_error("cannot rename " + m_temp_path + " to " + m_final_path, e);
  }
  return fsync_dir(parent_dir(m_final_path));
}

void
AtomicFile::abort()
{
  if (m_fd < 0)
    return;
  ::close(std::exchange(m_fd, -1));
  ::unlink(m_temp_path.c_str());
  m_buffer.reset();
  m_used = 0;
}

core::Status
AtomicFile::fail(core::Error error)
{
  abort();
  return error;
}

core::Error
AtomicFile::closed_error() const
{
  return core::make_error(core::Errc::usage,
                          m_final_path + ": file already committed, aborted or failed");
}

core::Status
fsync_dir(const std::string& dir)
{
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return core::sys_error("cannot open directory " + dir, errno);
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0)
    return core::sys_error("cannot sync directory " + dir, e);
  return {};
}

core::Status
write_file_atomic(const std::string& path, std::string_view contents)
{
  auto file = AtomicFile::create(path, ".tmp", 64 << 10);
  if (!file)
    return file.take_error();
  SHOAL_TRY(file->write(contents));
  return file->commit();
}

core::Result<std::string>
read_file(const std::string& path, std::size_t max_size)
{
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    auto error = core::sys_error("cannot open " + path, e);
    if (e == ENOENT)
      error.code = core::Errc::not_found;
    return error;
  }
  std::string out;
  char chunk[64 << 10];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return core::sys_error("cannot read " + path, e);
    }
    if (n == 0)
      break;
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      ::close(fd);
      return core::make_error(core::Errc::bad_data,
                              path + ": larger than " + std::to_string(max_size) + " bytes");
    }
    out.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

} // namespace shoal::store
