// Output: a large buffer in front of a file descriptor (standard output), so that streaming
// millions of records costs a write per megabyte, not per record.
#pragma once

#include "core/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::cli {

class Output
{
public:
  // Writes to fd (not owned) once capacity bytes are buffered.
  explicit Output(int fd = 1, std::size_t capacity = 1 << 20);
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  // The buffer to append to; call written() after appending.
  std::string& buffer() { return m_buffer; }
  // Writes the buffer out if it has reached its capacity.
  void written()
  {
    if (m_buffer.size() >= m_capacity)
      (void)flush();
  }
  // Appends bytes and writes if the buffer is full.
  void write(std::string_view bytes)
  {
    m_buffer += bytes;
    written();
  }
  // Writes everything buffered; returns the first write error, now or earlier (after an
  // error, output is discarded).
  core::Status flush();
  // True once a write has failed.
  bool failed() const { return m_error.has_value(); }
  // True when the write failed because the reader went away (EPIPE: `dht get-all | head`).
  bool reader_gone() const { return m_reader_gone; }

private:
  int m_fd;
  std::size_t m_capacity;
  std::string m_buffer;
  std::optional<core::Error> m_error;
  bool m_reader_gone = false;
};

// Reads everything from fd (standard input for `put` without VALUE).
core::Result<std::string> read_all(int fd);

} // namespace shoal::cli
