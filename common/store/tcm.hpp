// The dhtnode channel dump format (.tcm, version 0, specs/swarm.md §1.7): a streaming writer that
// publishes the file atomically and a bounds-checked sequential reader.
#pragma once

#include "core/result.hpp"
#include "store/atomic_file.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::store {

// The format version written as the file's first u64 (little endian). When the format changes:
// bump this number, and keep the readers of every older version (dump files outlive binaries and
// logrotate keeps a week of them). 0 was chosen because pre-2014 files began with their record
// count instead, and a channel worth dumping never had 0 records.
inline constexpr std::uint64_t tcm_version = 0;

// The writer pads the file with zero bytes to a multiple of this (the original's O_DIRECT block).
inline constexpr std::size_t tcm_block_size = 512;

// Suffix of the temporary file of a dump in progress ("<channel>.tcm.XXXXXX.dumping").
inline constexpr std::string_view tcm_temp_suffix = ".dumping";

// Keys longer than this cannot come from any swarm writer: the reader calls the file corrupt.
inline constexpr std::uint64_t tcm_max_key_length = 1 << 20;

// Writes one .tcm file: header on create, records in order, end marker and padding on commit.
// Nothing is visible at the path until commit() succeeds. Move-only.
class TcmWriter
{
public:
  // Creates "<path>.XXXXXX.dumping" and writes the version header.
  static core::Result<TcmWriter> create(const std::string& path);

  // Appends a record with key formatted as 16 lowercase hex digits. Empty values are written
  // as given (the loader skips them).
  core::Status add(std::uint64_t key, std::string_view value);

  // Appends a record whose key is already 16 characters of hex (not checked beyond the length,
  // so a tool can copy whatever a file held); Errc::usage if the key is not 16 bytes.
  core::Status add_hex(std::string_view hex_key, std::string_view value);

  // Writes the end marker and the zero padding, then publishes the file atomically.
  core::Status commit();

  // Removes the temporary file; the file at path is untouched.
  void abort() { m_file.abort(); }

  // Records added so far.
  std::uint64_t records() const { return m_records; }

  // Bytes of the records added so far as dhtdump's stats count them: key + value + 16 (the two
  // length prefixes) per record; header, end marker and padding are not counted.
  std::uint64_t bytes() const { return m_bytes; }

  // The temporary file's name while the dump is in progress.
  const std::string& temp_path() const { return m_file.temp_path(); }

private:
  explicit TcmWriter(AtomicFile file) : m_file(std::move(file)) {}
  core::Status add_record(const char* hex_key, std::string_view value);

  AtomicFile m_file;
  std::uint64_t m_records = 0;
  std::uint64_t m_bytes = 0;
};

// Why a file could not be read, so the loader can tell "skip it with a warning" from "corrupt".
enum class TcmProblem {
  none,                // no problem (yet)
  io,                  // the file could not be opened, examined or mapped
  empty,               // zero bytes: skip with a warning (spec §1.8, dhtnode issue #207)
  unsupported_version, // shorter than the 8-byte version, or a version other than tcm_version
  truncated,           // a length field, key, value or the end marker runs past the end
  corrupt,             // a key length above tcm_max_key_length
};

// A short lowercase name of a problem for logs ("unsupported_version").
std::string_view tcm_problem_name(TcmProblem problem);

// One record; key and value point into the reader's data and stay valid while it lives.
struct TcmRecord {
  std::string_view key;     // normally 16 hex digits; any length up to tcm_max_key_length
  std::string_view value;   // may be empty or hold any bytes
  std::uint64_t offset = 0; // file offset of the record's key length field
};

// Reads a .tcm file front to back from a read-only private mapping. Every length is checked
// against the bytes left, so corrupt input never reads out of bounds. Records already returned
// stay valid after an error (to salvage what is readable). The file must not be truncated while
// it is read (a mapping then faults); dumps are replaced by rename, never rewritten in place.
class TcmReader
{
public:
  // Maps the file and checks the header; on failure *problem (if given) says why.
  static core::Result<TcmReader> open(const std::string& path, TcmProblem* problem = nullptr);

  // Reads from memory that must outlive the reader; name stands for the path in messages.
  static core::Result<TcmReader>
  from_buffer(std::string_view data, std::string name, TcmProblem* problem = nullptr);

  TcmReader(TcmReader&& other) noexcept;
  TcmReader& operator=(TcmReader&& other) noexcept;
  TcmReader(const TcmReader&) = delete;
  TcmReader& operator=(const TcmReader&) = delete;
  ~TcmReader();

  // Fills out and returns true, returns false at the end marker (and from then on), or returns
  // Errc::bad_data naming the file and offset (and keeps returning it); problem() says which.
  // out is left unchanged unless a record is returned.
  core::Result<bool> next(TcmRecord& out);

  // The offset of the next record, or of the failed record after an error.
  std::uint64_t offset() const { return m_pos; }

  // The file's size in bytes.
  std::uint64_t file_size() const { return m_size; }

  // truncated or corrupt after next() failed, none otherwise.
  TcmProblem problem() const { return m_problem; }

  // True once the end marker was read and non-zero bytes follow it. Tolerated, as the original
  // reader stopped at the end marker and never looked further; the loader may warn.
  bool trailing_garbage() const { return m_trailing_garbage; }

  // The path (or buffer name) used in messages.
  const std::string& path() const { return m_path; }

private:
  TcmReader(std::string path, const char* data, std::size_t size, bool mapped);
  core::Result<bool> fail(TcmProblem problem, std::uint64_t record, std::string message);
  bool read_length(std::uint64_t& out);
  void finish();
  void release();

  std::string m_path;
  const char* m_data = nullptr;
  std::uint64_t m_size = 0;
  bool m_mapped = false;
  std::uint64_t m_pos = 0;
  bool m_ended = false;
  bool m_trailing_garbage = false;
  TcmProblem m_problem = TcmProblem::none;
  std::string m_error;
};

} // namespace shoal::store
