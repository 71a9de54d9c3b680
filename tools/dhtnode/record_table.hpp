// The in-memory record table of one dhtnode channel: 64-bit keys to byte-string values, with
// cursors that survive growth, shrinking and removal between steps (GetAll over many turns).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace shoal::dhtnode {

// Design (why it is not Tokyo Cabinet, specs/swarm.md §6.2, §7.2):
//
// Open addressing with linear probing kept SORTED by h = mix64(key ^ seed), a bijection, so a
// slot stores h and the key is recovered as unmix64(h) ^ seed: 16 bytes per slot {h, blob*}, no
// double hashing, no 32-bit hash. The home slot of h is mulhi(h, home_count), which is monotone
// in h; inserting at the sorted position (Robin Hood with ties broken by h) and backward-shift
// deletion (no tombstones) keep every entry at or after its home with no hole in between, so a
// lookup stops at the first slot whose h is >= the one sought. Nothing wraps around: a tail of
// spare slots follows the last home slot, and its last slot stays empty as the scan sentinel.
//
// Because the table is sorted by h, a cursor is "the last h returned": to resume, jump to the
// home slot of that h in whatever table exists now and skip entries <= it. Records present for
// the whole iteration are returned exactly once whatever happened in between.
//
// Changes from the suggested design, and why:
// - The home count is any integer, not a power of two (mulhi instead of a shift), so the table
//   grows x1.5 (load 0.6 -> 0.9) instead of x2: 16/load is 18-27 bytes of slots per record
//   instead of 18-36. Rebuilding is a cheap sequential merge since both tables are sorted.
// - When the tail overflows, the tail doubles instead of the home count: keys crafted to share
//   the top bits of h would otherwise make the table grow without bound.
// - A per-table random seed is XORed into the key before mixing, so that clients who know the
//   mixer cannot aim keys at one home slot; a fixed seed can be given for tests.
// - Value blobs are malloc'd [LEB128 length][bytes] (1 byte of length up to 127, 2 up to 16383):
//   a 100-byte value takes one 112-byte glibc chunk. Replacing a value by one of the same length
//   reuses the blob.
// - Slot arrays of 1 MiB and more are mmap'd directly, so shrinking and clear() return them to
//   the kernel at once instead of leaving holes in the malloc heap, and marked for transparent
//   huge pages: with 5 M records that cut page faults and TLB misses enough to speed get x1.3.
//
// Measured (tests/unit/bench_record_table.cpp) with 5 M random keys and 100-byte values: 135 B
// of RSS per record (112 the blob's malloc chunk, 16/load the slots, load 0.6-0.9).
// The values' blobs come from malloc: the daemon should run with
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 so that the heap gets huge pages too.

// Murmur3's 64-bit finalizer: a bijection that spreads sequential keys over the whole range.
constexpr std::uint64_t
mix64(std::uint64_t x)
{
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

namespace detail {
// The inverse of an odd number modulo 2^64 (Newton's iteration doubles the correct bits).
constexpr std::uint64_t
inverse_mod64(std::uint64_t odd)
{
  std::uint64_t inv = odd; // correct to 3 bits, since odd * odd == 1 mod 8
  for (int i = 0; i < 5; ++i)
    inv *= 2 - odd * inv;
  return inv;
}
} // namespace detail

// The inverse of mix64: unmix64(mix64(x)) == x for every x.
constexpr std::uint64_t
unmix64(std::uint64_t h)
{
  h ^= h >> 33; // x ^= x >> s is its own inverse when s >= 32
  h *= detail::inverse_mod64(0xc4ceb9fe1a85ec53ULL);
  h ^= h >> 33;
  h *= detail::inverse_mod64(0xff51afd7ed558ccdULL);
  h ^= h >> 33;
  return h;
}

// A value allocated in the table's own format, filled by the caller and then handed to
// RecordTable::put, so that a dump loader can read a value straight into its final place.
class ValueBuffer
{
public:
  // Allocates room for a value of exactly length bytes (contents unspecified); throws
  // std::bad_alloc when memory runs out.
  explicit ValueBuffer(std::size_t length);
  ValueBuffer(ValueBuffer&& other) noexcept;
  ValueBuffer& operator=(ValueBuffer&& other) noexcept;
  ~ValueBuffer();

  // The bytes to fill; empty after the buffer was moved into a table.
  char* data() { return m_data; }
  // The value's length in bytes.
  std::size_t size() const { return m_size; }

private:
  friend class RecordTable;
  unsigned char* release(); // hands the blob over and leaves the buffer empty

  unsigned char* m_blob = nullptr;
  char* m_data = nullptr;
  std::size_t m_size = 0;
};

// One channel's records: put/get/remove in O(1) expected time, 130-140 bytes of process
// memory per 100-byte record, memory given back as records go. Not thread-safe.
class RecordTable
{
public:
  // Where an iteration stands; a default-constructed cursor starts at the beginning.
  class Cursor
  {
  public:
    // True once scan() has passed the last record.
    bool finished() const { return m_finished; }

  private:
    friend class RecordTable;
    std::uint64_t m_last = 0; // h of the last record returned, if m_started
    bool m_started = false;
    bool m_finished = false;
  };

  // An empty table with a random seed (iteration order differs between tables).
  RecordTable();
  // An empty table with a given seed, for reproducible tests.
  explicit RecordTable(std::uint64_t seed);
  // Takes other's records; other is left empty and usable.
  RecordTable(RecordTable&& other) noexcept;
  RecordTable& operator=(RecordTable&& other) noexcept;
  RecordTable(const RecordTable&) = delete;
  RecordTable& operator=(const RecordTable&) = delete;
  ~RecordTable();

  // Stores a copy of value under key, replacing an old value; returns true if the key is new.
  // Throws std::bad_alloc when memory runs out, leaving the table as it was.
  bool put(std::uint64_t key, std::string_view value);
  // As put(key, string_view) but adopts an already filled buffer (no copy); value is emptied.
  bool put(std::uint64_t key, ValueBuffer&& value);
  // The value of key, or nullopt; the view is valid until the next mutation of the table.
  std::optional<std::string_view> get(std::uint64_t key) const;
  // True if key has a value.
  bool contains(std::uint64_t key) const;
  // Starts fetching the memory a put or get of key will touch, so that a caller that knows the
  // next keys (a dump loader) overlaps those cache misses with its work.
  void prefetch(std::uint64_t key) const { __builtin_prefetch(&m_slots[home(hash(key))], 1); }
  // Removes key's record; returns true if it existed. May shrink the table, never throws.
  bool remove(std::uint64_t key);
  // Frees every record and the slot array: the table is then empty and holds no heap memory.
  void clear();
  // Sizes the table so that it holds records without growing (before loading a dump).
  void reserve(std::size_t records);

  // Number of records.
  std::size_t size() const { return m_size; }
  // Sum of the value lengths, in bytes. (The original's channel "bytes", Tokyo Cabinet's
  // tcmdbmsiz, also counted the 8-byte key of each record.)
  std::uint64_t value_bytes() const { return m_value_bytes; }
  // Estimated heap bytes held: the slot array plus each blob's malloc chunk.
  std::size_t memory_bytes() const;
  // Number of slots allocated (home slots plus tail), for stats and tests.
  std::size_t slot_count() const { return m_slots == &s_no_slots ? 0 : m_len; }
  // The seed XORed into keys before mixing.
  std::uint64_t seed() const { return m_seed; }

  // Calls fn(key, value) for the records after cursor, in table order (unrelated to the keys'
  // order, and different between tables), until fn returns false or the table ends; the
  // cursor moves past every record given to fn. Returns true when the iteration is finished.
  // fn must not modify the table: modify it between calls instead.
  template <class Fn> bool scan(Cursor& cursor, Fn&& fn) const;

private:
  struct Slot {
    std::uint64_t h;     // mix64(key ^ seed)
    unsigned char* blob; // [LEB128 length][bytes]; nullptr marks an empty slot
  };

  static Slot s_no_slots; // the one empty slot of every table without an allocation
  static std::string_view blob_value(const unsigned char* blob);
  std::uint64_t hash(std::uint64_t key) const { return mix64(key ^ m_seed); }
  std::size_t home(std::uint64_t h) const { return home_in(h, m_home); }
  static std::size_t home_in(std::uint64_t h, std::size_t home_count);
  std::size_t find(std::uint64_t h) const;
  bool found(std::size_t i, std::uint64_t h) const { return m_slots[i].blob && m_slots[i].h == h; }
  bool store(std::uint64_t h, std::size_t i, ValueBuffer& value);
  void insert(std::uint64_t h, std::size_t i, ValueBuffer& value);
  bool shift_in(std::size_t i, Slot slot);
  void erase(std::size_t i);
  void replace(std::size_t i, ValueBuffer& value);
  void rebuild(std::size_t home_count, std::size_t min_tail);
  bool layout(Slot* dst, std::size_t len, std::size_t home_count) const;
  void release_slots();
  void shrink_if_sparse();
  void account(std::size_t value_size, bool add);
  void free_blobs();

  Slot* m_slots = &s_no_slots; // m_len slots, sorted by h; the last one is always empty
  std::size_t m_home = 1;      // number of home slots
  std::size_t m_len = 1;       // home slots + tail
  std::size_t m_size = 0;
  std::uint64_t m_value_bytes = 0;
  std::size_t m_blob_heap = 0; // estimated malloc chunk bytes of all blobs
  std::uint64_t m_seed = 0;
};

inline std::size_t
RecordTable::home_in(std::uint64_t h, std::size_t home_count)
{
  __extension__ using u128 = unsigned __int128; // -Wpedantic: a GNU type, on gcc and clang
  return static_cast<std::size_t>((static_cast<u128>(h) * home_count) >> 64);
}

inline std::string_view
RecordTable::blob_value(const unsigned char* blob)
{
  std::size_t length = 0;
  int shift = 0;
  while (*blob & 0x80) {
    length |= static_cast<std::size_t>(*blob++ & 0x7f) << shift;
    shift += 7;
  }
  length |= static_cast<std::size_t>(*blob++) << shift;
  return {reinterpret_cast<const char*>(blob), length};
}

template <class Fn>
bool
RecordTable::scan(Cursor& cursor, Fn&& fn) const
{
  if (cursor.m_finished)
    return true;
  // Every record with h > last sits at or after home(last), in whatever table exists now.
  std::size_t i = cursor.m_started ? home(cursor.m_last) : 0;
  for (; i < m_len; ++i) {
    const Slot& slot = m_slots[i];
    if (!slot.blob || (cursor.m_started && slot.h <= cursor.m_last))
      continue;
    cursor.m_started = true;
    cursor.m_last = slot.h;
    if (!fn(unmix64(slot.h) ^ m_seed, blob_value(slot.blob)))
      return false;
  }
  cursor.m_finished = true;
  return true;
}

} // namespace shoal::dhtnode
