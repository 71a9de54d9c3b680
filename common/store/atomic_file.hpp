// Crash-safe file writing: write a temporary file next to the target, fsync it, rename it over
// the target and fsync the directory, so a reader sees either the old file or the whole new one.
#pragma once

#include "core/result.hpp"

#include <sys/types.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::store {

// The write(2) replacement tests install to inject failures: same contract as ::write (returns
// the bytes written or -1 with errno set).
using WriteHook = std::function<ssize_t(int fd, const void* data, std::size_t size)>;

// For tests only: routes every write of AtomicFile and write_all through hook (an empty hook
// restores ::write). Not thread-safe: set it while no thread writes (before opening the files
// or starting the writer threads) and reset it afterwards.
void set_write_hook(WriteHook hook);

// A file written under a temporary name and published by commit(). Move-only. On any write or
// commit failure the temporary file is removed at once, and later calls return Errc::usage.
class AtomicFile
{
public:
  // Creates "<final_path>.XXXXXX<temp_suffix>" (mode 0644, close-on-exec) in final_path's
  // directory; writes are buffered in buffer_size bytes.
  static core::Result<AtomicFile> create(std::string final_path,
                                         std::string_view temp_suffix = ".tmp",
                                         std::size_t buffer_size = 4 << 20);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  // Aborts (removes the temporary file) unless commit() or abort() already ran.
  ~AtomicFile();

  // Appends data; writes of at least the buffer size bypass the buffer. Errc::io names the path.
  core::Status write(std::string_view data)
  {
    // The fast path stays inline: TcmWriter calls this twice per record.
    if (m_fd >= 0 && data.size() <= m_capacity - m_used) {
      if (!data.empty())
        std::memcpy(m_buffer.get() + m_used, data.data(), data.size());
      m_used += data.size();
      m_bytes += data.size();
      return {};
    }
    return write_slow(data);
  }

  // Flushes, fdatasyncs and closes the file, renames it over the final path and fsyncs the
  // directory. On error before the rename the old file at the final path is untouched.
  core::Status commit();

  // Closes and removes the temporary file; the final path is untouched. Idempotent.
  void abort();

  // Bytes accepted by write() so far (buffered or not): the file's size once committed.
  std::uint64_t bytes_written() const { return m_bytes; }

  // The temporary file's name (it no longer exists after commit or abort).
  const std::string& temp_path() const { return m_temp_path; }

  // The name the file gets on commit.
  const std::string& final_path() const { return m_final_path; }

private:
  AtomicFile(std::string final_path, std::string temp_path, int fd, std::size_t buffer_size);
  core::Status write_slow(std::string_view data);
  core::Status flush();
  core::Status fail(core::Error error);
  core::Error closed_error() const;

  std::string m_final_path;
  std::string m_temp_path;
  int m_fd = -1;
  std::unique_ptr<char[]> m_buffer;
  std::size_t m_capacity = 0;
  std::size_t m_used = 0;
  std::uint64_t m_bytes = 0;
};

// Writes all of data to fd at its file position through the write hook, retrying on EINTR and
// short writes; Errc::io names path. A failure may leave part of data written.
core::Status write_all(int fd, std::string_view data, const std::string& path);

// Opens the directory dir and fsyncs it, so that a rename or create inside it is durable.
core::Status fsync_dir(const std::string& dir);

// Replaces the file at path with contents atomically (an AtomicFile with suffix ".tmp").
core::Status write_file_atomic(const std::string& path, std::string_view contents);

// Reads a whole file; Errc::not_found if it does not exist, Errc::bad_data if it holds more
// than max_size bytes (a guard against reading a huge file by mistake).
core::Result<std::string> read_file(const std::string& path, std::size_t max_size);

} // namespace shoal::store
