// The progress line: "\r" + text + erase-to-end-of-line, so it rewrites itself in place.
#include "progress.hpp"

#include <fmt/format.h>

namespace shoal::logfiles_check {

namespace {
constexpr auto redraw_every = std::chrono::milliseconds(100);
}

std::string
human_bytes(double bytes)
{
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t u = 0;
  while (bytes >= 1024 && u + 1 < std::size(units)) {
    bytes /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[u]);
}

Progress::Progress(std::FILE* out,
                   bool enabled,
                   std::uint64_t total_files,
                   std::uint64_t total_bytes)
    : m_out(out), m_enabled(enabled), m_total_files(total_files), m_total_bytes(total_bytes)
{
}

std::string
Progress::line(std::uint64_t files_done,
               std::uint64_t total_files,
               std::uint64_t bytes_done,
               std::uint64_t total_bytes,
               double elapsed)
{
  double rate = elapsed > 0 ? static_cast<double>(bytes_done) / elapsed : 0;
  return fmt::format("{}/{} files, {}/{}, {}/s", files_done, total_files,
                     human_bytes(static_cast<double>(bytes_done)),
                     human_bytes(static_cast<double>(total_bytes)), human_bytes(rate));
}

void
Progress::update(std::uint64_t files_done, std::uint64_t bytes_done)
{
  if (!m_enabled)
    return;
  auto now = Clock::now();
  if (now - m_last < redraw_every)
    return;
  m_last = now;
  double elapsed = std::chrono::duration<double>(now - m_start).count();
  fmt::print(m_out, "\rlogfiles-check: {}\x1b[K",
             line(files_done, m_total_files, bytes_done, m_total_bytes, elapsed));
  std::fflush(m_out);
  m_drawn = true;
}

void
Progress::clear()
{
  if (!m_drawn)
    return;
  std::fputs("\r\x1b[K", m_out);
  std::fflush(m_out);
  m_drawn = false;
}

} // namespace shoal::logfiles_check
