// The overflow file format: a 64-byte header, then records [u32 size][u32 crc32c][payload]
// appended in push order. One file per queue, "<queue>.<file id, 16 hex digits>.ovf".
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::queuenode {

// The format version in every header. When the format changes: bump it, keep a reader for the
// old version (overflow files outlive binaries), and convert old files when they are opened.
inline constexpr std::uint32_t overflow_version = 1;

// Header layout: [0,8) magic "SHOALQOF" | [8,12) u32 version | [12,16) zero | [16,24) u64 file id
// | [24,28) u32 crc32c of [0,24) | [28,32) zero | [32,40) u64 start | [40,48) ~start
// | [48,56) u64 flags | [56,64) ~flags. Start and flags change in place (one 32-byte pwrite);
// the complements catch a torn update.
inline constexpr std::uint64_t overflow_header_size = 64;

// Bytes in front of each record's payload: u32 size, u32 crc32c of (size bytes, payload).
inline constexpr std::uint64_t overflow_record_header = 8;

// Header flag: the records from start to the end of the file are exactly the queue's overflow
// (set by a clean save, cleared at the first change after start-up).
inline constexpr std::uint64_t overflow_clean = 1;

// The parts of a header.
struct OverflowHeader {
  std::uint64_t file_id = 0;
  std::uint64_t start = overflow_header_size; // offset of the first live record
  std::uint64_t flags = 0;
};

// The 64 header bytes.
std::string encode_overflow_header(const OverflowHeader& header);

// The 32 bytes at offset 32 that record start and flags.
std::string encode_overflow_mutable(std::uint64_t start, std::uint64_t flags);

// Parses 64 header bytes; bad_data naming path if the magic, version, checksum or a
// complement is wrong.
core::Result<OverflowHeader> decode_overflow_header(std::string_view bytes,
                                                    const std::string& path);

// The checksum stored in a record's header.
std::uint32_t overflow_record_crc(std::string_view payload);

} // namespace shoal::queuenode
