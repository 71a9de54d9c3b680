// The disk part of a queue: an append-only log of the records that did not fit in the ring,
// read back in order. Appends are buffered and reads go ahead in chunks, so a record costs a
// syscall only once per chunk; the dead head is given back to the file system with hole
// punching (offsets stay valid), and the file is cut back to its header when it drains.
#pragma once

#include "housekeeper.hpp"

#include "core/result.hpp"
#include "store/file_io.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::queuenode {

using store::Fd;

// How an overflow file behaves; the same for every queue of a store.
struct OverflowParams {
  std::size_t chunk = 64 << 10;          // append buffer and read-ahead size
  std::uint64_t reclaim_chunk = 1 << 20; // punch the dead head once this much is dead
  // Durable mode: a checkpoint records (read, end) offsets and recovery cuts the file back to
  // end, so the file is never reset and only the head before the last checkpoint's read
  // offset is punched. Otherwise a drained file is reset at once.
  bool durable = false;
  std::uint64_t* disk_used = nullptr; // the store's tally of overflow bytes on disk (optional)
  // Unlinks files and, in durable mode, punches holes off the loop thread (optional). Never in
  // non-durable mode: a reset could reuse the offsets before the job ran.
  Housekeeper* housekeeper = nullptr;
};

// Where a checkpoint found an overflow file: enough to reopen it without a scan.
struct OverflowState {
  std::uint64_t file_id = 0;
  std::uint64_t read = 0; // offset of the first live record
  std::uint64_t end = 0;  // offset after the last record
  std::uint64_t records = 0;
  std::uint64_t bytes = 0; // payload bytes of the live records
};

// One queue's overflow file. Not thread-safe (the loop thread owns it). Move-only.
class OverflowFile
{
public:
  // The bytes a record of value_size bytes takes on disk.
  static constexpr std::uint64_t record_size(std::size_t value_size)
  {
    return 8 + static_cast<std::uint64_t>(value_size);
  }

  // Creates a new, empty file at path (which must not exist).
  static core::Result<OverflowFile>
  create(std::string path, std::uint64_t file_id, OverflowParams params);

  // Opens a file left by a non-durable run: the records from the header's start offset on.
  // A bad record ends the data: a bad_data error naming the offset if the file was saved
  // cleanly (unless salvage), else the tail is cut (appends torn by a crash) and warning says so.
  static core::Result<OverflowFile>
  open_scan(std::string path, OverflowParams params, bool salvage, std::string& warning);

  // Opens a file at the state a checkpoint recorded, cutting what was appended after it.
  static core::Result<OverflowFile>
  open_at(std::string path, const OverflowState& state, OverflowParams params);

  OverflowFile(OverflowFile&& other) noexcept;
  OverflowFile& operator=(OverflowFile&& other) noexcept;
  OverflowFile(const OverflowFile&) = delete;
  OverflowFile& operator=(const OverflowFile&) = delete;
  ~OverflowFile();

  // Appends a record (buffered). On error nothing was appended.
  core::Status append(std::string_view value);

  // The oldest record; the file must not be empty. Valid until the next call on this object.
  core::Result<std::string_view> front();

  // Drops the record front() returned last.
  void pop_front();

  // Drops every record.
  core::Status clear();

  // Gives the dead head back to the file system, or resets a drained file (see OverflowParams).
  core::Status reclaim();

  // Writes the buffered appends.
  core::Status flush();

  // Writes the buffered appends and fdatasyncs the file.
  core::Status sync();

  // Records the read offset as the header's start, with the clean flag set (and then syncs the
  // file: call sync() first so that the records are on disk before the flag) or not.
  core::Status set_clean(bool clean);

  // The state to put in a checkpoint; the appends must have been flushed (sync()).
  OverflowState state() const;

  // Durable mode: the checkpoint just committed recorded state(); the head before it may go.
  void checkpointed() { m_safe = m_read; }

  // Switches between durable and non-durable behaviour (see OverflowParams).
  void set_durable(bool durable) { m_params.durable = durable; }

  // Closes and deletes the file (in the background if there is a housekeeper).
  core::Status remove();

  bool empty() const { return m_records == 0; }
  std::uint64_t records() const { return m_records; }
  std::uint64_t bytes() const { return m_bytes; }
  // Bytes the file holds on disk (live records, the dead head not yet punched, buffered appends).
  std::uint64_t disk_bytes() const;
  std::uint64_t file_id() const { return m_file_id; }
  const std::string& path() const { return m_path; }

private:
  OverflowFile(std::string path, Fd fd, std::uint64_t file_id, OverflowParams params);
  core::Status scan(std::uint64_t start, bool clean, bool salvage, std::string& warning);
  core::Result<std::string_view> record_at(std::uint64_t offset);
  core::Status ensure(std::uint64_t offset, std::size_t size);
  core::Status reset();
  core::Status punch(std::uint64_t target);
  core::Status seek(std::uint64_t offset);
  void update_tally();

  std::string m_path;
  Fd m_fd;
  std::uint64_t m_file_id = 0;
  OverflowParams m_params;
  std::uint64_t m_read = 0;     // offset of the oldest live record
  std::uint64_t m_end = 0;      // offset after the newest record (buffered ones included)
  std::uint64_t m_flushed = 0;  // bytes of the file written (the rest is in m_append)
  std::uint64_t m_synced = 0;   // bytes known to be on disk
  std::uint64_t m_safe = 0;     // durable mode: read offset of the last checkpoint
  std::uint64_t m_hole_end = 0; // [block, m_hole_end) has been punched
  std::uint64_t m_records = 0;
  std::uint64_t m_bytes = 0;
  std::uint64_t m_accounted = 0;   // what this file adds to *disk_used
  std::uint64_t m_front_size = 0;  // size of the record front() returned, 0 if none
  std::uint64_t m_checked = 0;     // offset of a record whose checksum was verified
  bool m_punch_ok = true;          // the file system supports hole punching
  bool m_punch_tried = false;      // a hole was punched (synchronously) once
  std::string m_append;            // appends not yet written, the bytes after m_flushed
  std::unique_ptr<char[]> m_ahead; // read-ahead buffer
  std::size_t m_ahead_capacity = 0;
  std::uint64_t m_ahead_offset = 0; // file offset of m_ahead[0]
  std::size_t m_ahead_size = 0;     // valid bytes in m_ahead
};

} // namespace shoal::queuenode
