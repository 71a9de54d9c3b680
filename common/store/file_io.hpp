// Small POSIX file helpers for the nodes' files: an owning descriptor, exact positioned
// reads, truncation, data sync and removal, each returning an error that names the path.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <utility>

namespace shoal::store {

// An open file descriptor, closed by the destructor. Move-only.
class Fd
{
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  // Closes the descriptor (if any).
  void reset();

private:
  int m_fd = -1;
};

// Opens path with flags | O_CLOEXEC (mode 0644 when created).
core::Result<Fd> open_file(const std::string& path, int flags);

// The size of the open file.
core::Result<std::uint64_t> file_size(int fd, const std::string& path);

// Reads exactly n bytes at offset; Errc::bad_data naming path and offset if the file ends first.
core::Status
read_exact(int fd, char* dst, std::size_t n, std::uint64_t offset, const std::string& path);

// Cuts or extends the file to size bytes.
core::Status truncate_file(int fd, std::uint64_t size, const std::string& path);

// fdatasync.
core::Status sync_data(int fd, const std::string& path);

// Writes data at offset (through no hook: used for small header updates in place).
core::Status
write_at(int fd, const std::string& data, std::uint64_t offset, const std::string& path);

// Unlinks path; a missing file is not an error.
core::Status remove_file(const std::string& path);

// "<path>: offset <offset>: <what>" as a bad_data error.
core::Error damaged(const std::string& path, std::uint64_t offset, const std::string& what);

} // namespace shoal::store
