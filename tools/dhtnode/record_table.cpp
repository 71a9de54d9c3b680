// The dhtnode record table: sorted linear probing over mixed keys, value blobs, growth and
// shrinking by sequential merge (the design is described in record_table.hpp).
#include "record_table.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <utility>

namespace shoal::dhtnode {

namespace {

// Load factors (records / home slots): grow above 0.9, shrink below 0.25, and rebuild either
// way to 0.6; tables keep at least min_home home slots.
constexpr std::size_t min_home = 8;
// Slot arrays at least this big are mmap'd so that freeing one returns it to the kernel;
// glibc would otherwise serve sizes under its (moving) mmap threshold from the heap.
constexpr std::size_t mmap_min_bytes = std::size_t{1} << 20;

// Number of bytes of the LEB128 encoding of n.
std::size_t
varint_size(std::size_t n)
{
  std::size_t bytes = 1;
  for (; n >= 0x80; n >>= 7)
    ++bytes;
  return bytes;
}

// Writes n as LEB128 at out; returns the byte after it.
unsigned char*
put_varint(unsigned char* out, std::size_t n)
{
  for (; n >= 0x80; n >>= 7)
    *out++ = static_cast<unsigned char>(n | 0x80);
  *out++ = static_cast<unsigned char>(n);
  return out;
}

// glibc's chunk for a malloc request: 8 bytes of header, 16-byte steps, 32 bytes at least;
// requests from 128 KiB on are mmap'd as whole pages.
std::size_t
malloc_cost(std::size_t request)
{
  if (request >= 128 * 1024)
    return (request + 16 + 4095) & ~std::size_t{4095};
  return std::max<std::size_t>(32, (request + 8 + 15) & ~std::size_t{15});
}

void*
allocate_zeroed(std::size_t bytes)
{
  void* p = nullptr;
  if (bytes < mmap_min_bytes) {
    p = std::calloc(1, bytes);
  } else {
    p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      p = nullptr;
    else
      madvise(p, bytes, MADV_HUGEPAGE); // a hint: fewer page faults and TLB misses
  }
  if (!p)
    throw std::bad_alloc();
  return p;
}

void
free_zeroed(void* p, std::size_t bytes)
{
  if (bytes < mmap_min_bytes)
    std::free(p);
  else
    munmap(p, bytes);
}

// Spare slots after the last home slot: enough that overflowing them is rare (it costs a
// rebuild), few enough to be noise next to the home slots.
std::size_t
default_tail(std::size_t home_count)
{
  return std::clamp<std::size_t>(home_count / 8, 8, 64);
}

// Home slots that hold records at load 0.6: the size after growing or shrinking.
std::size_t
home_for(std::size_t records)
{
  return std::max(min_home, records * 5 / 3 + 1);
}

std::uint64_t
random_seed()
{
  std::random_device device;
  return std::uint64_t{device()} << 32 | device();
}

} // namespace

RecordTable::Slot RecordTable::s_no_slots{};

ValueBuffer::ValueBuffer(std::size_t length) : m_size(length)
{
  m_blob = static_cast<unsigned char*>(std::malloc(varint_size(length) + length));
  if (!m_blob)
    throw std::bad_alloc();
  m_data = reinterpret_cast<char*>(put_varint(m_blob, length));
}

ValueBuffer::ValueBuffer(ValueBuffer&& other) noexcept
{
  *this = std::move(other);
}

ValueBuffer&
ValueBuffer::operator=(ValueBuffer&& other) noexcept
{
  if (this != &other) {
    std::free(m_blob);
    m_data = other.m_data;
    m_size = other.m_size;
    m_blob = other.release();
  }
  return *this;
}

unsigned char*
ValueBuffer::release()
{
  m_data = nullptr;
  m_size = 0;
  return std::exchange(m_blob, nullptr);
}

ValueBuffer::~ValueBuffer()
{
  std::free(m_blob);
}

RecordTable::RecordTable() : m_seed(random_seed()) {}

RecordTable::RecordTable(std::uint64_t seed) : m_seed(seed) {}

RecordTable::RecordTable(RecordTable&& other) noexcept
{
  *this = std::move(other);
}

RecordTable&
RecordTable::operator=(RecordTable&& other) noexcept
{
  if (this != &other) {
    clear(); // this now holds nothing: swapping leaves other empty
    std::swap(m_slots, other.m_slots);
    std::swap(m_home, other.m_home);
    std::swap(m_len, other.m_len);
    std::swap(m_size, other.m_size);
    std::swap(m_value_bytes, other.m_value_bytes);
    std::swap(m_blob_heap, other.m_blob_heap);
    m_seed = other.m_seed;
  }
  return *this;
}

RecordTable::~RecordTable()
{
  free_blobs();
  release_slots();
}

bool
RecordTable::put(std::uint64_t key, std::string_view value)
{
  const std::uint64_t h = hash(key);
  const std::size_t i = find(h);
  if (found(i, h) && blob_value(m_slots[i].blob).size() == value.size()) {
    // Same length, hence same header: overwrite in place and save a malloc/free pair.
    if (!value.empty())
      std::memcpy(m_slots[i].blob + varint_size(value.size()), value.data(), value.size());
    return false;
  }
  ValueBuffer buffer(value.size());
  if (!value.empty())
    std::memcpy(buffer.data(), value.data(), value.size());
  return store(h, i, buffer);
}

bool
RecordTable::put(std::uint64_t key, ValueBuffer&& value)
{
  assert(value.m_blob && "put() of a moved-from ValueBuffer");
  const std::uint64_t h = hash(key);
  return store(h, find(h), value);
}

std::optional<std::string_view>
RecordTable::get(std::uint64_t key) const
{
  const std::uint64_t h = hash(key);
  const std::size_t i = find(h);
  if (!found(i, h))
    return std::nullopt;
  return blob_value(m_slots[i].blob);
}

bool
RecordTable::contains(std::uint64_t key) const
{
  const std::uint64_t h = hash(key);
  return found(find(h), h);
}

bool
RecordTable::remove(std::uint64_t key)
{
  const std::uint64_t h = hash(key);
  const std::size_t i = find(h);
  if (!found(i, h))
    return false;
  account(blob_value(m_slots[i].blob).size(), false);
  std::free(m_slots[i].blob);
  erase(i);
  --m_size;
  shrink_if_sparse();
  return true;
}

void
RecordTable::clear()
{
  free_blobs();
  release_slots();
  m_size = 0;
  m_value_bytes = 0;
  m_blob_heap = 0;
}

void
RecordTable::reserve(std::size_t records)
{
  if (records * 10 > m_home * 9)
    rebuild(std::max(min_home, records * 10 / 9 + 1), 0);
}

std::size_t
RecordTable::memory_bytes() const
{
  return slot_count() * sizeof(Slot) + m_blob_heap;
}

// The slot of h if present, else where h belongs: the first slot from home(h) on that is empty
// or holds a greater h. The empty last slot ends every probe.
std::size_t
RecordTable::find(std::uint64_t h) const
{
  std::size_t i = home(h);
  while (m_slots[i].blob && m_slots[i].h < h)
    ++i;
  return i;
}

bool
RecordTable::store(std::uint64_t h, std::size_t i, ValueBuffer& value)
{
  if (found(i, h)) {
    replace(i, value);
    return false;
  }
  insert(h, i, value);
  return true;
}

void
RecordTable::replace(std::size_t i, ValueBuffer& value)
{
  account(blob_value(m_slots[i].blob).size(), false);
  std::free(m_slots[i].blob);
  account(value.size(), true);
  m_slots[i].blob = value.release();
}

// Inserts h (not present) whose sorted position is i. A rebuild may throw, but only before
// anything changed: value keeps its blob and frees it.
void
RecordTable::insert(std::uint64_t h, std::size_t i, ValueBuffer& value)
{
  if ((m_size + 1) * 10 > m_home * 9) {
    rebuild(home_for(m_size + 1), 0);
    i = find(h);
  }
  while (!shift_in(i, Slot{h, value.m_blob})) {
    rebuild(m_home, 2 * (m_len - m_home)); // the tail overflowed: more tail, same home count
    i = find(h);
  }
  account(value.size(), true);
  value.release();
  ++m_size;
}

// Puts slot at i, shifting the run that starts there one slot right; false if that would
// fill the last slot (the tail is full).
bool
RecordTable::shift_in(std::size_t i, Slot slot)
{
  std::size_t end = i;
  while (m_slots[end].blob)
    ++end;
  if (end + 1 >= m_len)
    return false;
  std::memmove(&m_slots[i + 1], &m_slots[i], (end - i) * sizeof(Slot));
  m_slots[i] = slot;
  return true;
}

// Backward-shift deletion: the displaced entries after i move one slot back, toward their
// home, so that no probe ever meets a hole; order is kept.
void
RecordTable::erase(std::size_t i)
{
  std::size_t end = i + 1;
  while (m_slots[end].blob && home(m_slots[end].h) < end)
    ++end;
  std::memmove(&m_slots[i], &m_slots[i + 1], (end - i - 1) * sizeof(Slot));
  m_slots[end - 1] = Slot{0, nullptr};
}

// Moves every entry to a new array of home_count home slots. Both arrays are sorted by h, so
// this is one sequential pass; a tail too short for the new layout is doubled and retried.
void
RecordTable::rebuild(std::size_t home_count, std::size_t min_tail)
{
  for (std::size_t tail = std::max(min_tail, default_tail(home_count));; tail *= 2) {
    const std::size_t len = home_count + tail;
    auto* fresh = static_cast<Slot*>(allocate_zeroed(len * sizeof(Slot)));
    if (layout(fresh, len, home_count)) {
      release_slots();
      m_slots = fresh;
      m_home = home_count;
      m_len = len;
      return;
    }
    free_zeroed(fresh, len * sizeof(Slot));
  }
}

// Writes every entry, in order, at max(its home, the slot after the previous entry); false if
// an entry would land on the last slot, which must stay empty.
bool
RecordTable::layout(Slot* dst, std::size_t len, std::size_t home_count) const
{
  std::size_t next = 0;
  for (std::size_t i = 0; i + 1 < m_len; ++i) {
    const Slot& slot = m_slots[i];
    if (!slot.blob)
      continue;
    const std::size_t pos = std::max(home_in(slot.h, home_count), next);
    if (pos + 1 >= len)
      return false;
    dst[pos] = slot;
    next = pos + 1;
  }
  return true;
}

void
RecordTable::release_slots()
{
  if (m_slots != &s_no_slots)
    free_zeroed(m_slots, m_len * sizeof(Slot));
  m_slots = &s_no_slots;
  m_home = 1;
  m_len = 1;
}

// Shrinks to load 0.6 once the table is less than a quarter full. Shrinking is an optimisation: if
// the smaller array cannot be allocated, the table simply stays as it is.
void
RecordTable::shrink_if_sparse()
{
  if (m_home <= min_home || m_size * 4 >= m_home)
    return;
  try {
    rebuild(home_for(m_size), 0);
  } catch (const std::bad_alloc&) {
  }
}

void
RecordTable::account(std::size_t value_size, bool add)
{
  const std::size_t heap = malloc_cost(varint_size(value_size) + value_size);
  if (add) {
    m_value_bytes += value_size;
    m_blob_heap += heap;
  } else {
    m_value_bytes -= value_size;
    m_blob_heap -= heap;
  }
}

void
RecordTable::free_blobs()
{
  for (std::size_t i = 0; i < m_len; ++i)
    std::free(m_slots[i].blob);
}

} // namespace shoal::dhtnode
