// LineReader: one read(2) of up to 1 MiB at a time on the thread pool, lines split on the loop.
#include "cli/line_reader.hpp"

#include <unistd.h>

#include <cerrno>

namespace shoal::cli {

namespace {
constexpr std::size_t chunk_size = 1 << 20;
}

// The read's result travels here; owned jointly so that a reader destroyed while a read runs
// leaves the thread something valid to write to.
struct LineReader::Shared {
  LineReader* reader = nullptr;
  std::string chunk;
  int error = 0;
};

LineReader::LineReader(net::Loop& loop, int fd, std::size_t max_line)
    : m_loop(loop), m_fd(fd), m_max_line(max_line), m_shared(std::make_shared<Shared>())
{
  m_shared->reader = this;
}

LineReader::~LineReader()
{
  stop();
}

void
LineReader::start(LineFn on_line, EndFn on_end)
{
  m_on_line = std::move(on_line);
  m_on_end = std::move(on_end);
  read_more();
}

void
LineReader::resume()
{
  if (!m_paused || m_stopped)
    return;
  m_paused = false;
  process();
}

void
LineReader::stop()
{
  m_stopped = true;
  m_shared->reader = nullptr;
}

void
LineReader::read_more()
{
  m_reading = true;
  auto shared = m_shared;
  int fd = m_fd;
  net::queue_work(
      m_loop,
      [shared, fd] {
        shared->chunk.resize(chunk_size);
        ssize_t n;
        do
          n = ::read(fd, shared->chunk.data(), chunk_size);
        while (n < 0 && errno == EINTR);
        shared->error = n < 0 ? errno : 0;
        shared->chunk.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
      },
      [shared] {
        LineReader* self = shared->reader;
        if (!self)
          return;
        self->m_reading = false;
        if (shared->error) {
          self->m_stopped = true;
          self->m_on_end(core::sys_error("cannot read standard input", shared->error));
          return;
        }
        if (shared->chunk.empty())
          self->m_eof = true;
        self->m_buffer.erase(0, self->m_pos);
        self->m_pos = 0;
        self->m_buffer += shared->chunk;
        self->process();
      });
}

void
LineReader::process()
{
  while (!m_stopped && !m_paused) {
    std::size_t end = m_buffer.find('\n', m_pos);
    std::string_view line;
    if (end != std::string::npos) {
      line = std::string_view(m_buffer).substr(m_pos, end - m_pos);
      m_pos = end + 1;
    } else if (m_eof && m_pos < m_buffer.size()) { // a last line without '\n'
      line = std::string_view(m_buffer).substr(m_pos);
      m_pos = m_buffer.size();
    } else if (m_eof) {
      m_stopped = true;
      m_on_end({});
      return;
    } else if (m_buffer.size() - m_pos > m_max_line) {
      m_stopped = true;
      m_on_end(core::make_error(core::Errc::bad_data, "line " + std::to_string(m_line + 1) +
                                                          ": longer than " +
                                                          std::to_string(m_max_line) + " bytes"));
      return;
    } else {
      if (!m_reading)
        read_more();
      return;
    }
    if (!m_on_line(line, ++m_line))
      m_paused = true;
  }
}

} // namespace shoal::cli
