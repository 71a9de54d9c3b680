// BucketReader: the records of one bucket file, in append order, every format, plain or
// gzip-compressed ("*.gz" of the retention job), each record checked as it is read.
#pragma once

#include "core/result.hpp"
#include "store/bucket_format.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::store {

struct BucketReadOptions {
  std::uint64_t first_key = any_key;     // the bucket's first key (its name), or no range check
  std::uint64_t max_value = 64ull << 20; // a longer record is damage (too_big)
  std::uint64_t start = 0;               // offset of the first record to read (0: the first)
  std::uint64_t limit = std::numeric_limits<std::uint64_t>::max(); // read no byte at or past this
  std::size_t buffer_size = 1 << 20;                               // bytes per read
};

class BucketReader
{
public:
  struct Item {
    enum class Kind {
      record,  // key, value (valid until the next call), offset
      end,     // the end of the file (or of the limit) at a record boundary
      damaged, // status says what, at offset; call skip_damage() to go on, else stop
    };
    Kind kind = Kind::end;
    std::uint64_t key = 0;
    std::string_view value;
    std::uint64_t offset = 0; // of the record (in the uncompressed bytes)
    RecordStatus status = RecordStatus::ok;
  };

  // Opens path; a name ending in ".gz" is read through zlib. Fails on I/O errors and on a
  // header of an unsupported version (Errc::bad_data). A file shorter than a header that is a
  // prefix of one reads as an empty bucket (torn() is true).
  static core::Result<BucketReader> open(const std::string& path, const BucketReadOptions& opts);

  BucketReader(BucketReader&&) noexcept;
  BucketReader& operator=(BucketReader&&) noexcept;
  ~BucketReader();

  // The next record, the end, or damage; an I/O error is an Error.
  core::Result<Item> next();

  // After damage: goes on past it. A record whose size is known (out_of_range, bad_checksum) is
  // skipped; otherwise, in v2 only, the reader looks for the next offset where a whole record
  // parses with its checksum, and false (with the reader at the end) if the rest holds none or
  // the format cannot resynchronise (legacy, v1).
  core::Result<bool> skip_damage();

  BucketFormat format() const { return m_format; }
  bool compressed() const;
  bool torn() const { return m_torn; }
  // Offset of the next record to read: after an end, the size of the valid part of the file.
  std::uint64_t offset() const { return m_offset; }

private:
  struct Source;
  BucketReader(std::unique_ptr<Source> source, const BucketReadOptions& opts);
  core::Result<bool> fill(std::size_t want);
  core::Result<bool> find_next_record();

  std::unique_ptr<Source> m_source;
  BucketReadOptions m_opts;
  BucketFormat m_format = BucketFormat::v2;
  bool m_torn = false;
  std::string m_buf;
  std::size_t m_pos = 0;      // next unread byte of m_buf
  std::size_t m_end = 0;      // bytes of m_buf filled
  std::uint64_t m_offset = 0; // file offset of m_buf[m_pos]
  bool m_eof = false;         // the source (or the limit) has nothing more
  RecordParse m_damage;       // the last damage reported
  bool m_damaged = false;
};

} // namespace shoal::store
