// LZO1X-1 compressed record batches of the legacy protocol (specs/swarm.md §5.2): GetAll*
// responses and PutBatch requests carry records in these instead of one array per record.
#pragma once

#include "core/result.hpp"
#include "proto/wire.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::proto {

// Default limit on a batch's uncompressed size (the original's batch_size).
inline constexpr std::size_t default_batch_size = 64 * 1024;

// Largest LZO1X-1 output for raw_size input bytes (the bound liblzo documents).
constexpr std::size_t
lzo_compress_bound(std::size_t raw_size)
{
  return raw_size + raw_size / 16 + 64 + 3; // also bounds a literal run (raw + 4 + raw / 255)
}

// Largest wire payload (u64 raw length + LZO block) of a batch of raw_size bytes: what a
// reader must accept for one batch array.
constexpr std::size_t
batch_payload_bound(std::size_t raw_size)
{
  return 8 + lzo_compress_bound(raw_size);
}

// Compresses finished raw batches into LZO1X blocks. Apart from BatchBuilder so that a scan can
// build batches in order on one thread and compress them on others. Not thread-safe (it owns
// the LZO work memory and the guess below).
//
// Data LZO cannot shrink (random or already compressed values) costs more CPU to compress than
// the bytes it saves are worth: when a batch shrinks by less than an eighth, the next
// store_after_miss batches are stored as one LZO1X literal run, a valid block every LZO1X
// decompressor reads at memcpy speed; then compression is tried again.
//
// Constructed with compress = false it stores every batch that way: for a sender
// whose link takes bytes faster than LZO makes them (see server::LagGauge).
class BatchCompressor
{
public:
  static constexpr int store_after_miss = 15;

  explicit BatchCompressor(bool compress = true);

  // Appends the wire payload of raw (u64 raw length + LZO1X block) to out.
  void payload(std::string_view raw, std::string& out);
  // As payload(), as one complete array (u64 length first).
  void array(std::string_view raw, std::string& out);

private:
  std::unique_ptr<unsigned char[]> m_work; // LZO1X_1_MEM_COMPRESS bytes
  int m_store_left = 0;                    // batches to store before trying LZO again
  bool m_compress;                         // false: store every batch
};

// Appends raw as an LZO1X block of literals only (no compression) to out. Raw must hold at least
// lzo_literal_min bytes (shorter runs have no literal-only encoding at the start of a block).
inline constexpr std::size_t lzo_literal_min = 19;
void lzo_store_literals(std::string_view raw, std::string& out);

// Collects records into an uncompressed batch and compresses it. Layout, fixed by the original
// and carrying no version (a new layout needs new request codes, old peers read only this): per
// record [u64 len][16 lowercase hex key] then [u64 len][value] unless the batch holds keys only.
// Not thread-safe; one builder per thread (it owns the LZO work memory).
class BatchBuilder
{
public:
  // Creates an empty builder whose batches never exceed batch_size uncompressed bytes.
  explicit BatchBuilder(std::size_t batch_size = default_batch_size);

  // Adds a key/value record; false (and nothing added) if it would exceed batch_size.
  bool add(std::uint64_t key, std::string_view value);
  // Adds a key-only record (GetAllKeys); false (and nothing added) if it would exceed batch_size.
  bool add_key(std::uint64_t key);

  // True when no record has been added since construction or the last finish().
  bool empty() const { return m_records == 0; }
  // Records added since construction or the last finish().
  std::size_t records() const { return m_records; }
  // Uncompressed bytes added since construction or the last finish().
  std::size_t raw_size() const { return m_raw.size(); }
  // The limit given to the constructor.
  std::size_t batch_size() const { return m_batch_size; }
  // True when a record with a value of value_len bytes fits an empty batch; a record that does
  // not can never be sent in a batch and is skipped with a warning (spec §5.2).
  bool fits_empty(std::size_t value_len) const;

  // Appends the wire payload (u64 raw length + LZO1X-1 block, without the outer array length)
  // to out and resets the builder for the next batch. An empty builder yields a valid payload
  // holding no records.
  void finish(std::string& out);
  // As finish(), but appends the payload as one complete array (u64 length first): the form a
  // GetAll* stream item and a PutBatch request carry, without copying the payload again.
  void finish_array(std::string& out);
  // Moves the uncompressed batch into raw (for a BatchCompressor elsewhere) and resets the
  // builder.
  void take_raw(std::string& raw);

  // Uncompressed bytes of a key/value record whose value is value_len bytes.
  static constexpr std::size_t record_size(std::size_t value_len)
  {
    return key_size() + 8 + value_len;
  }
  // Uncompressed bytes of a key-only record.
  static constexpr std::size_t key_size() { return 8 + 16; }

private:
  void append_key(std::uint64_t key);

  std::size_t m_batch_size;
  std::size_t m_records = 0;
  std::string m_raw;
  BatchCompressor m_compressor;
};

// Decompresses a batch payload into out (replacing its content, reusing its capacity). Fails
// with Errc::bad_data when the payload is shorter than 8 bytes, announces more than max_raw
// bytes, is not a valid LZO1X block or does not decompress to exactly the announced length.
core::Status decompress_batch(std::string_view payload, std::size_t max_raw, std::string& out);

// As above, into a new string.
core::Result<std::string> decompress_batch(std::string_view payload, std::size_t max_raw);

// Walks the records of an uncompressed batch. next_* return false at the end or on a truncated
// record; failed() tells the two apart. Views point into the raw batch.
class BatchReader
{
public:
  // Reads from raw, which must outlive the reader and the views it hands out.
  explicit BatchReader(std::string_view raw) : m_in(raw) {}

  // Reads the next key/value record; false at the end or on a truncated record.
  bool next_pair(std::string_view& key, std::string_view& value);
  // Reads the next key-only record; false at the end or on a truncated record.
  bool next_key(std::string_view& key);

  // True when a record was truncated (corrupt batch or wrong next_* for the batch kind).
  bool failed() const { return m_failed; }
  // True when every byte of the batch has been read.
  bool at_end() const { return m_in.remaining() == 0; }

private:
  bool next_field(std::string_view& field);

  WireReader m_in;
  bool m_failed = false;
};

} // namespace shoal::proto
