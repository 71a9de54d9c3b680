// ByteBuffer: a growable byte queue for connection input: append at the back, consume at the
// front, without zero-filling (std::string::resize would) and with amortised compaction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace shoal::net {

class ByteBuffer
{
public:
  // The unconsumed bytes.
  std::string_view view() const { return {m_data.get() + m_begin, m_end - m_begin}; }
  std::size_t size() const { return m_end - m_begin; }
  bool empty() const { return m_begin == m_end; }

  // Drops n bytes from the front (n <= size()).
  void consume(std::size_t n)
  {
    m_begin += n;
    if (m_begin == m_end)
      m_begin = m_end = 0;
  }

  // Returns a writable tail of at least min_space bytes; commit() the bytes actually written.
  char* prepare(std::size_t min_space, std::size_t& space)
  {
    if (m_capacity - m_end < min_space)
      make_room(min_space);
    space = m_capacity - m_end;
    return m_data.get() + m_end;
  }
  void commit(std::size_t n) { m_end += n; }

  void append(std::string_view bytes)
  {
    std::size_t space = 0;
    char* p = prepare(bytes.size(), space);
    std::memcpy(p, bytes.data(), bytes.size());
    commit(bytes.size());
  }

  // Frees the storage when the buffer is empty and large (idle connections stay small).
  void shrink_if_idle(std::size_t keep)
  {
    if (empty() && m_capacity > keep) {
      m_data.reset();
      m_capacity = m_begin = m_end = 0;
    }
  }

private:
  void make_room(std::size_t min_space)
  {
    std::size_t used = size();
    std::size_t capacity = m_capacity;
    if (used + min_space > capacity)
      capacity = std::max(capacity * 2, used + min_space);
    if (capacity == m_capacity) { // enough room once compacted
      std::memmove(m_data.get(), m_data.get() + m_begin, used);
    } else {
      auto fresh = std::make_unique_for_overwrite<char[]>(capacity);
      if (used)
        std::memcpy(fresh.get(), m_data.get() + m_begin, used);
      m_data = std::move(fresh);
      m_capacity = capacity;
    }
    m_begin = 0;
    m_end = used;
  }

  std::unique_ptr<char[]> m_data;
  std::size_t m_capacity = 0;
  std::size_t m_begin = 0; // first unconsumed byte
  std::size_t m_end = 0;   // one past the last byte
};

} // namespace shoal::net
