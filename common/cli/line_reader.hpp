// LineReader: reads a file descriptor (standard input) in large chunks on libuv's thread pool
// and hands whole lines to the loop, pausing while the consumer has no room.
#pragma once

#include "core/result.hpp"
#include "net/loop.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::cli {

class LineReader
{
public:
  // Called for each line (without its '\n'; a last line without one counts) and its number
  // from 1; returning false pauses the reader until resume().
  using LineFn = std::function<bool(std::string_view line, std::uint64_t number)>;
  // Called once at the end of the input (Ok) or on a read error.
  using EndFn = std::function<void(core::Status)>;

  // Reads fd (not owned); lines longer than max_line bytes are an Errc::bad_data error.
  LineReader(net::Loop& loop, int fd, std::size_t max_line = std::size_t{512} << 20);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader();

  // Starts reading; callbacks run on the loop.
  void start(LineFn on_line, EndFn on_end);
  // Continues after on_line returned false.
  void resume();
  // Stops for good: no callback runs afterwards.
  void stop();
  // True while a read is under way in the thread pool.
  bool busy() const { return m_reading; }

private:
  struct Shared; // what the thread-pool read shares with the loop
  void process();
  void read_more();

  net::Loop& m_loop;
  int m_fd;
  std::size_t m_max_line;
  LineFn m_on_line;
  EndFn m_on_end;
  std::string m_buffer;
  std::size_t m_pos = 0;
  std::uint64_t m_line = 0;
  bool m_eof = false;
  bool m_paused = false;
  bool m_reading = false;
  bool m_stopped = false;
  std::shared_ptr<Shared> m_shared;
};

} // namespace shoal::cli
