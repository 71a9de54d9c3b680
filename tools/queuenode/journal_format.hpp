// The journal file format (durable mode): a 40-byte header, then entries
// [u32 crc32c][u32 size][size bytes: u8 type | u32 queue id | data], appended in the order the
// changes happened. Entry n of a file has sequence number first_seq + n.
#pragma once

#include "core/result.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::queuenode {

// The version in every journal header. When the format changes: bump it and keep the reader
// of the old version; a journal is read once, at the start-up after a crash.
inline constexpr std::uint32_t journal_version = 1;

// Header: [0,8) magic "SHOALQJL" | [8,12) u32 version | [12,16) zero | [16,24) u64 generation
// | [24,32) u64 first sequence number | [32,36) zero | [36,40) u32 crc32c of [0,36).
inline constexpr std::size_t journal_header_size = 40;

// Bytes in front of an entry's body: u32 crc32c of (size bytes, body), u32 size.
inline constexpr std::size_t journal_entry_header = 8;

// Bytes of a body before its data: u8 type, u32 queue id.
inline constexpr std::size_t journal_body_prefix = 5;

// What an entry records. The data of each: define: the queue's full name; push: the value;
// pop: u64 count; clear, remove: nothing.
enum class EntryType : std::uint8_t { define = 1, push = 2, pop = 3, clear = 4, remove = 5 };

// One entry as read back; data points into the reader's mapping.
struct JournalEntry {
  EntryType type = EntryType::push;
  std::uint32_t queue = 0;
  std::string_view data;
  std::uint64_t offset = 0; // of the entry in the file
};

// The 40 header bytes.
std::string encode_journal_header(std::uint64_t generation, std::uint64_t first_seq);

// The 13 bytes in front of an entry's data; data is only read for the checksum.
void encode_entry_prefix(char out[13], EntryType type, std::uint32_t queue, std::string_view data);

// Reads a journal front to back from a read-only mapping. The valid entries end at the file's
// end or at the first entry that is cut short or fails its checksum (a write torn by a crash:
// nothing after it was ever reported durable). Move-only.
class JournalReader
{
public:
  // Maps path. A file shorter than a header (its creation was interrupted) reads as empty;
  // a header with a bad magic, version or checksum is a bad_data error naming the file.
  static core::Result<JournalReader> open(const std::string& path);

  JournalReader(JournalReader&& other) noexcept;
  JournalReader& operator=(JournalReader&&) = delete;
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;
  ~JournalReader();

  // The next valid entry; false at the end of the valid entries. An entry with a good checksum
  // but an unknown type or malformed data is a bad_data error (a newer format, or a bug).
  core::Result<bool> next(JournalEntry& out);

  std::uint64_t generation() const { return m_generation; }
  std::uint64_t first_seq() const { return m_first_seq; }
  // Offset after the last valid entry read so far.
  std::uint64_t valid_end() const { return m_pos; }
  std::uint64_t file_size() const { return m_size; }

private:
  JournalReader(std::string path, const char* data, std::size_t size)
      : m_path(std::move(path)), m_data(data), m_size(size)
  {
  }

  std::string m_path;
  const char* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_pos = 0;
  std::uint64_t m_generation = 0;
  std::uint64_t m_first_seq = 0;
};

} // namespace shoal::queuenode
