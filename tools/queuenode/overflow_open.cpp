// Opening overflow files at start-up: after a non-durable run (scan from the header's start
// offset, cut a torn tail) or at the state a durable checkpoint recorded.
#include "overflow_file.hpp"
#include "overflow_format.hpp"

#include <fcntl.h>

namespace shoal::queuenode {

using store::damaged;
using store::file_size;
using store::open_file;
using store::read_exact;
using store::truncate_file;

core::Result<OverflowFile>
OverflowFile::open_scan(std::string path, OverflowParams params, bool salvage, std::string& warning)
{
  auto fd = open_file(path, O_RDWR);
  if (!fd)
    return fd.take_error();
  char bytes[overflow_header_size];
  SHOAL_TRY(read_exact(fd->get(), bytes, sizeof bytes, 0, path));
  auto header = decode_overflow_header(std::string_view(bytes, sizeof bytes), path);
  if (!header)
    return header.take_error();
  OverflowFile file(std::move(path), std::move(*fd), header->file_id, params);
  SHOAL_TRY(file.scan(header->start, header->flags & overflow_clean, salvage, warning));
  file.m_synced = file.m_flushed;
  file.update_tally();
  SHOAL_TRY(file.reclaim());
  return file;
}

core::Status
OverflowFile::scan(std::uint64_t start, bool clean, bool salvage, std::string& warning)
{
  auto size = file_size(m_fd.get(), m_path);
  if (!size)
    return size.take_error();
  if (start > *size) { // a reset cut the file and stopped before it rewrote the header
    m_flushed = *size;
    return reset();
  }
  m_flushed = *size; // bounds the reads of record_at
  std::uint64_t pos = start;
  while (pos < *size) {
    auto record = record_at(pos);
    if (!record && record.error().code != core::Errc::bad_data)
      return record.take_error();
    if (!record) {
      if (clean && !salvage)
        return core::make_error(core::Errc::bad_data,
                                record.error().message + " (in a file saved cleanly)");
      warning = record.error().message + ": cut the " + std::to_string(*size - pos) +
                " bytes from there (appends torn by a crash)";
      SHOAL_TRY(truncate_file(m_fd.get(), pos, m_path));
      break;
    }
    ++m_records;
    m_bytes += record->size();
    pos += record_size(record->size());
  }
  m_read = start;
  m_end = m_flushed = pos;
  m_ahead_size = 0;
  return seek(m_end);
}

core::Result<OverflowFile>
OverflowFile::open_at(std::string path, const OverflowState& state, OverflowParams params)
{
  auto fd = open_file(path, O_RDWR);
  if (!fd)
    return fd.take_error();
  char bytes[overflow_header_size];
  SHOAL_TRY(read_exact(fd->get(), bytes, sizeof bytes, 0, path));
  auto header = decode_overflow_header(std::string_view(bytes, sizeof bytes), path);
  if (!header)
    return header.take_error();
  if (header->file_id != state.file_id)
    return damaged(path, 16, "file id differs from the checkpoint's");
  auto size = file_size(fd->get(), path);
  if (!size)
    return size.take_error();
  if (*size < state.end || state.read > state.end || state.read < overflow_header_size)
    return damaged(path, *size,
                   "the checkpoint says the records run from " + std::to_string(state.read) +
                       " to " + std::to_string(state.end));
  OverflowFile file(std::move(path), std::move(*fd), state.file_id, params);
  if (*size > state.end) // appended after the checkpoint: the journal replays it
    SHOAL_TRY(truncate_file(file.m_fd.get(), state.end, file.m_path));
  file.m_read = file.m_safe = state.read;
  file.m_end = file.m_flushed = file.m_synced = state.end;
  file.m_records = state.records;
  file.m_bytes = state.bytes;
  SHOAL_TRY(file.seek(state.end));
  file.update_tally();
  SHOAL_TRY(file.reclaim());
  return file;
}

} // namespace shoal::queuenode
