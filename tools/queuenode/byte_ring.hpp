// The in-memory part of a queue (specs/swarm.md §4.1): one fixed byte ring per queue holding
// items [u64 length][payload] contiguously; an item that does not fit at the tail wraps to
// offset 0 and leaves a gap at the end.
#pragma once

#include "core/result.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace shoal::queuenode {

// A byte ring of fixed capacity. The memory is one anonymous mapping reserved in full when the
// ring is created: pages cost RSS only once an item touches them, and an emptied ring starts
// again at offset 0, so a mostly drained queue keeps only its first pages warm. Move-only.
class ByteRing
{
public:
  // Bytes of the length header in front of every item.
  static constexpr std::size_t header_size = 8;

  // The bytes an item of a value_size-byte value takes in the ring.
  static constexpr std::size_t item_size(std::size_t value_size)
  {
    return header_size + value_size;
  }

  // Reserves capacity bytes of address space (capacity 0: a ring that holds nothing).
  static core::Result<ByteRing> create(std::size_t capacity);

  ByteRing() = default;
  ByteRing(ByteRing&& other) noexcept;
  ByteRing& operator=(ByteRing&& other) noexcept;
  ByteRing(const ByteRing&) = delete;
  ByteRing& operator=(const ByteRing&) = delete;
  ~ByteRing();

  // True if an item of value_size bytes fits now.
  bool fits(std::size_t value_size) const;

  // Appends value at the tail; false (and nothing changes) if it does not fit.
  bool push(std::string_view value);

  // The oldest value; the ring must not be empty. Valid until the ring is next changed.
  std::string_view front() const;

  // Removes the oldest item; the ring must not be empty. The bytes of the removed value stay
  // readable until the next push or load.
  void pop();

  // Removes every item.
  void clear();

  bool empty() const { return m_items == 0; }
  std::uint64_t items() const { return m_items; }
  // Bytes the items take, headers included (what fills the capacity).
  std::size_t used() const { return m_used; }
  std::size_t capacity() const { return m_capacity; }
  // Payload bytes of the items (used() minus the headers).
  std::uint64_t value_bytes() const { return m_used - m_items * header_size; }

  // The items from head to tail as at most two runs of [u64 length][payload] bytes: exactly
  // the body of an .rq file.
  std::array<std::string_view, 2> runs() const;

  // Empties the ring and returns room for a body of size bytes at offset 0, growing the
  // capacity to size if it is smaller (a dump larger than the configured capacity still loads).
  core::Result<char*> prepare_load(std::size_t size);

  // Makes the size bytes written at the pointer prepare_load returned the ring's items
  // (items of them; the caller has checked the body with check_items).
  void commit_load(std::size_t size, std::uint64_t items);

  // Returns the pages of an empty ring to the kernel (madvise); a no-op when not empty.
  void release_memory();

private:
  ByteRing(char* memory, std::size_t mapped, std::size_t capacity)
      : m_memory(memory), m_mapped(mapped), m_capacity(capacity)
  {
  }
  void reset_positions();

  char* m_memory = nullptr;
  std::size_t m_mapped = 0;   // bytes mapped (capacity rounded up to pages)
  std::size_t m_capacity = 0; // bytes items may use
  std::size_t m_head = 0;     // offset of the oldest item
  std::size_t m_tail = 0;     // offset where the next item goes
  std::size_t m_gap = 0;      // when wrapped: end of the items at the top of the ring
  bool m_wrapped = false;     // items run [head, gap) then [0, tail)
  std::uint64_t m_items = 0;
  std::size_t m_used = 0;
};

// Checks that body holds exactly items items of [u64 length][payload]; a bad_data error names
// path and the offset (body starts at base_offset in the file).
core::Status check_items(std::string_view body,
                         std::uint64_t items,
                         const std::string& path,
                         std::uint64_t base_offset);

} // namespace shoal::queuenode
