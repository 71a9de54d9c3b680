// Checking one bucket file: every record read through store::BucketReader with the key range of
// the file's name, going on past damage, counting records, value bytes and damage.
#pragma once

#include "walk.hpp"

#include "core/result.hpp"
#include "store/bucket_format.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace shoal::logfiles_check {

// One place where the reader found damage.
struct Damage {
  std::uint64_t offset = 0; // in the (uncompressed) file
  std::string kind;         // store::record_status_name, or what the decompressor said
};

// What checking a file found.
struct FileCheck {
  enum class Verdict {
    clean,       // every byte belongs to a valid record
    damaged,     // damage, torn header or unreadable compressed data; see first_damage
    unsupported, // a format version this build does not know: not read, never touched
  };
  Verdict verdict = Verdict::clean;
  store::BucketFormat format = store::BucketFormat::v2;
  std::uint64_t records = 0;     // valid records (damaged ones excluded)
  std::uint64_t value_bytes = 0; // their value bytes
  std::uint64_t damage_count = 0;
  Damage first_damage;
  bool torn = false; // a torn empty bucket: a prefix of a header and nothing more
  std::uint64_t torn_size = 0;
  std::string unsupported_why; // unsupported: the reader's message
};

// Reports progress inside a big file: the offset reached so far.
using ProgressFn = std::function<void(std::uint64_t offset)>;

// Checks every record of file. Errors are I/O errors (a file that cannot be opened or read), or
// Errc::not_found for a file gone since the walk (compressed by the retention job meanwhile);
// damage, including a corrupt gzip stream, is a verdict.
core::Result<FileCheck> check_file(const BucketFile& file, const ProgressFn& progress = {});

// "bad checksum at 34567 (+2 more)", "torn header (5 bytes)", or "clean".
std::string describe_damage(const FileCheck& check);

} // namespace shoal::logfiles_check
