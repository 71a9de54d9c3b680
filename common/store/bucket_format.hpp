// The record formats of a log bucket file (specs/swarm.md §3.3): the 2014 legacy format (no
// header, records u64 key | u64 len | value), DLS v1 (16-byte header, a parity byte per record
// header) and shoal's v2, which checksums the whole record.
//
// Format version 2 (written by shoal):
//   header  [0,8) u64 version = 2 | [8,16) "DLSBUCKT"
//   record  [0,8) u64 key | [8,16) u64 len | [16] u8 parity (as v1: key, len and parity fold
//           to 0) | [17,21) u32 crc32c of bytes [0,17) and the value | [21, 21+len) value
// All integers little endian. Upgrade rule: readers keep reading every older version; a writer
// appends only in the current version, so appending to a legacy or v1 bucket first rewrites it
// as the current version (atomically, beside the original). A new version takes the next
// number, keeps the magic, and adds its reader here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::store {

enum class BucketFormat { legacy, v1, v2 };

inline constexpr std::string_view bucket_magic = "DLSBUCKT";
inline constexpr std::uint64_t bucket_version = 2; // what append_bucket_header writes
inline constexpr std::size_t bucket_header_size = 16;

// Bytes in front of a record's value.
constexpr std::size_t
record_header_size(BucketFormat format)
{
  return format == BucketFormat::legacy ? 16 : format == BucketFormat::v1 ? 17 : 21;
}

// Bytes before the first record.
constexpr std::size_t
file_header_size(BucketFormat format)
{
  return format == BucketFormat::legacy ? 0 : bucket_header_size;
}

// "legacy", "v1", "v2".
std::string_view format_name(BucketFormat format);

// What a file's first bytes say about it.
struct HeaderCheck {
  enum class Kind {
    ok,          // format tells which; records start at file_header_size(format)
    torn,        // a prefix of a current header and nothing more: an empty bucket whose
                 // creation was cut short (rewrite the header)
    unsupported, // the magic with a version this build does not know: leave the file alone
  };
  Kind kind = Kind::ok;
  BucketFormat format = BucketFormat::v2;
  std::uint64_t version = 0; // unsupported: the version found
};

// Judges a file by head, its first min(16, size) bytes; whole_file says head is all of it.
// No magic means legacy (the 2014 format had no header), as the original decided.
HeaderCheck check_bucket_header(std::string_view head, bool whole_file);

// Appends the header of a new bucket in the current format.
void append_bucket_header(std::string& out);

// Appends one record in the current format.
void append_record(std::uint64_t key, std::string_view value, std::string& out);

// Appends the header a bucket of format has (nothing for legacy): for rewriting a file in its own
// format, as logfiles-check --fix does.
void append_bucket_header_as(BucketFormat format, std::string& out);

// Appends one record in format, byte for byte as a writer of that format wrote it (so a valid
// record read back and re-appended is the same bytes).
void
append_record_as(BucketFormat format, std::uint64_t key, std::string_view value, std::string& out);

// The size of a record of value_size bytes in the current format.
constexpr std::size_t
record_size(std::size_t value_size)
{
  return record_header_size(BucketFormat::v2) + value_size;
}

// No key range check: for parse_record's first_key.
inline constexpr std::uint64_t any_key = ~std::uint64_t{0};

// What parse_record found at the front of its input.
enum class RecordStatus {
  ok,           // a whole, valid record
  truncated,    // the input ends inside the record: more bytes, or a torn tail at end of file
  bad_header,   // v1/v2: the header's parity does not fold to zero
  bad_checksum, // v2: the record's crc32c does not match
  too_big,      // the length is over the caller's bound: not a record anyone wrote
  out_of_range, // the key is not one of the bucket's 4096 keys
};

// "ok", "truncated", "bad header parity", ...
std::string_view record_status_name(RecordStatus status);

struct RecordParse {
  RecordStatus status = RecordStatus::truncated;
  std::uint64_t key = 0;
  std::string_view value; // ok: points into the input
  std::size_t size = 0;   // ok, out_of_range: the record's bytes (header and value)
};

// Parses the record at the front of in. first_key is the bucket's first key (any_key: no range
// check); a length over max_value is too_big. Checks in order: header parity, the length bound,
// that the whole record is there, the key's range, then (v2) the checksum over the whole
// record. Never reads past in.
RecordParse parse_record(BucketFormat format,
                         std::string_view in,
                         std::uint64_t first_key,
                         std::uint64_t max_value);

} // namespace shoal::store
