// The checkpoint file of durable mode: the state of every queue at one moment (its ring image
// in the .rq format and where its overflow file's records run), written atomically as one file
// so that a crash leaves either the old checkpoint or the new one, never a mix.
#pragma once

#include "byte_ring.hpp"
#include "overflow_file.hpp"

#include "core/result.hpp"
#include "store/file_io.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shoal::queuenode {

using store::Fd;

// The version in every checkpoint header. When the format changes: bump it and keep the
// reader of the old version (the checkpoint of a stopped node is read by the next binary).
inline constexpr std::uint32_t checkpoint_version = 1;

// Header: [0,8) magic "SHOALQCP" | [8,12) u32 version | [12,16) u32 queue count
// | [16,24) u64 generation | [24,32) u64 next sequence number | [32,36) zero
// | [36,40) u32 crc32c of [0,36). Then per queue: u32 id | u16 name length | name
// | u8 has overflow | if so u64 file id, read, end, records, bytes | u32 crc32c of the ring image
// | u32 crc32c of the section header so far | the ring image (.rq format).
inline constexpr std::size_t checkpoint_header_size = 40;

// One queue to write.
struct CheckpointQueue {
  std::uint32_t id = 0;
  const std::string* name = nullptr;
  const ByteRing* ring = nullptr;
  std::optional<OverflowState> overflow;
};

// Writes path atomically (temporary file, fdatasync, rename, directory fsync).
core::Status write_checkpoint(const std::string& path,
                              std::uint64_t generation,
                              std::uint64_t next_seq,
                              const std::vector<CheckpointQueue>& queues);

// One queue as read back (its ring image comes with read_ring).
struct CheckpointSection {
  std::uint32_t id = 0;
  std::string name;
  std::optional<OverflowState> overflow;
};

// Reads a checkpoint section by section, straight into the rings. Move-only.
class CheckpointReader
{
public:
  // Opens path and checks its header; bad_data errors name the file and offset.
  static core::Result<CheckpointReader> open(const std::string& path);

  std::uint64_t generation() const { return m_generation; }
  std::uint64_t next_seq() const { return m_next_seq; }

  // Reads the next section's header; false after the last (and the file must end there).
  core::Result<bool> next(CheckpointSection& out);

  // Loads the ring image of the section next() returned into ring and checks it.
  core::Status read_ring(ByteRing& ring);

private:
  CheckpointReader(std::string path, Fd fd, std::uint64_t size)
      : m_path(std::move(path)), m_fd(std::move(fd)), m_size(size)
  {
  }
  core::Status read(char* dst, std::size_t n);

  std::string m_path;
  Fd m_fd;
  std::uint64_t m_size = 0;
  std::uint64_t m_pos = 0;
  std::uint32_t m_left = 0; // sections not read yet
  std::uint64_t m_generation = 0;
  std::uint64_t m_next_seq = 0;
  std::uint32_t m_ring_crc = 0;
};

} // namespace shoal::queuenode
