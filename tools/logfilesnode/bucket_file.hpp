// BucketFile: one bucket open for appending, on the writer thread. Records collect in a buffer
// and reach the file in one write per group; a failed write is cut off again, so that a full
// disk leaves the file as it was rather than with half a record at its end.
#pragma once

#include "core/result.hpp"
#include "store/bucket_format.hpp"
#include "store/file_io.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::logfilesnode {

class BucketFile
{
public:
  struct Opened {
    std::unique_ptr<BucketFile> file;
    bool created = false;      // a new file (its directory needs a sync)
    bool upgraded = false;     // a legacy or v1 bucket rewritten as v2 first
    std::uint64_t dropped = 0; // records of a damaged old bucket its upgrade could not keep
  };

  // Opens channel_dir/<slot>/<bucket> for the keys from bucket_start, creating the slot
  // directory and the file (with the current header) as needed. A legacy or v1 bucket is first
  // rewritten in the current format (atomically: the old file stays until the new one is
  // complete); a torn header is written again.
  static core::Result<Opened> open(const std::string& channel_dir, std::uint64_t bucket_start);

  // Buffers records already encoded in the current format (store::append_record), whole.
  void add_encoded(std::string_view records) { m_buffer += records; }
  std::size_t buffered() const { return m_buffer.size(); }

  // Writes the buffer at the end of the file. On failure the file is cut back to its size
  // before the write and the buffered records are dropped (the caller reports them failed).
  core::Status flush();

  // fdatasync, if anything was written since the last one.
  core::Status sync();

  // Bytes in the file (the buffer excluded): every record before this offset is whole.
  std::uint64_t size() const { return m_size; }
  bool dirty() const { return m_dirty; }
  std::uint64_t bucket_start() const { return m_bucket_start; }
  const std::string& path() const { return m_path; }

private:
  BucketFile(std::string path, store::Fd fd, std::uint64_t bucket_start, std::uint64_t size);

  std::string m_path;
  store::Fd m_fd;
  std::uint64_t m_bucket_start;
  std::uint64_t m_size;
  std::string m_buffer;
  bool m_dirty = false; // written since the last sync
};

} // namespace shoal::logfilesnode
