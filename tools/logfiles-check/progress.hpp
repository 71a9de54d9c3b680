// The progress line on stderr while a big store is checked: files and bytes done out of the
// total, and the rate; redrawn at most ten times a second, only on a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace shoal::logfiles_check {

class Progress
{
public:
  // A progress line on out when enabled (the caller decides: a terminal, not --quiet/--json).
  Progress(std::FILE* out, bool enabled, std::uint64_t total_files, std::uint64_t total_bytes);
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Files finished and bytes read so far; redraws if the last drawing is 100 ms old.
  void update(std::uint64_t files_done, std::uint64_t bytes_done);

  // Erases the line (before other output, and at the end); the next update draws it again.
  void clear();

  // The line for these figures after elapsed seconds, e.g.
  // "12/340 files, 1.2 GiB/3.4 GiB, 85.0 MiB/s".
  static std::string line(std::uint64_t files_done,
                          std::uint64_t total_files,
                          std::uint64_t bytes_done,
                          std::uint64_t total_bytes,
                          double elapsed);

private:
  using Clock = std::chrono::steady_clock;
  std::FILE* m_out;
  bool m_enabled;
  bool m_drawn = false;
  std::uint64_t m_total_files;
  std::uint64_t m_total_bytes;
  Clock::time_point m_start = Clock::now();
  Clock::time_point m_last{};
};

// "1.2 GiB", "512 B": bytes for people.
std::string human_bytes(double bytes);

} // namespace shoal::logfiles_check
