// POSIX file helpers: retries on EINTR and short transfers, errors naming the path.
#include "store/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace shoal::store {

Fd&
Fd::operator=(Fd&& other) noexcept
{
  if (this != &other) {
    reset();
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

void
Fd::reset()
{
  if (m_fd >= 0)
    ::close(std::exchange(m_fd, -1));
}

core::Result<Fd>
open_file(const std::string& path, int flags)
{
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) {
    auto error = core::sys_error("cannot open " + path, errno);
    if (errno == ENOENT)
      error.code = core::Errc::not_found;
    return error;
  }
  return Fd(fd);
}

core::Result<std::uint64_t>
file_size(int fd, const std::string& path)
{
  struct stat st {
  };
  if (::fstat(fd, &st) != 0)
    return core::sys_error("cannot stat " + path, errno);
  return static_cast<std::uint64_t>(st.st_size);
}

core::Status
read_exact(int fd, char* dst, std::size_t n, std::uint64_t offset, const std::string& path)
{
  while (n > 0) {
    ssize_t got = ::pread(fd, dst, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return core::sys_error("cannot read " + path, errno);
    if (got == 0)
      return damaged(path, offset, "the file ends early");
    dst += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return {};
}

core::Status
truncate_file(int fd, std::uint64_t size, const std::string& path)
{
  while (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    if (errno != EINTR)
      return core::sys_error("cannot truncate " + path, errno);
  }
  return {};
}

core::Status
sync_data(int fd, const std::string& path)
{
  if (::fdatasync(fd) != 0)
    return core::sys_error("cannot sync " + path, errno);
  return {};
}

core::Status
write_at(int fd, const std::string& data, std::uint64_t offset, const std::string& path)
{
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return core::sys_error("cannot write " + path, n < 0 ? errno : ENOSPC);
    done += static_cast<std::size_t>(n);
  }
  return {};
}

core::Status
remove_file(const std::string& path)
{
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return core::sys_error("cannot remove " + path, errno);
  return {};
}

core::Error
damaged(const std::string& path, std::uint64_t offset, const std::string& what)
{
  return core::make_error(core::Errc::bad_data,
                          path + ": offset " + std::to_string(offset) + ": " + what);
}

} // namespace shoal::store
