// Output and read_all: plain write(2)/read(2) loops that retry on EINTR.
#include "cli/output.hpp"

#include <unistd.h>

#include <cerrno>

namespace shoal::cli {

Output::Output(int fd, std::size_t capacity) : m_fd(fd), m_capacity(capacity)
{
  m_buffer.reserve(capacity + 64 * 1024);
}

core::Status
Output::flush()
{
  std::size_t done = 0;
  while (!m_error && done < m_buffer.size()) {
    ssize_t n = ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      m_reader_gone = errno == EPIPE;
      m_error = core::sys_error("cannot write to standard output", errno);
    } else
      done += static_cast<std::size_t>(n);
  }
  m_buffer.clear();
  if (m_error)
    return *m_error;
  return {};
}

core::Result<std::string>
read_all(int fd)
{
  std::string out;
  char chunk[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return core::sys_error("cannot read standard input", errno);
    if (n == 0)
      return out;
    out.append(chunk, static_cast<std::size_t>(n));
  }
}

} // namespace shoal::cli
