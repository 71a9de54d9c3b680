// ByteRing: item placement, wrap and gap, the mapping that backs it.
#include "byte_ring.hpp"

#include "core/bytes.hpp"
#include "store/file_io.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <utility>

namespace shoal::queuenode {

using core::load_le;
using core::store_le;
using store::damaged;

namespace {

std::size_t
page_round(std::size_t n)
{
  auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return (n + page - 1) / page * page;
}

core::Result<char*>
map(std::size_t size)
{
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return core::sys_error("cannot reserve " + std::to_string(size) + " bytes for a queue", errno);
  return static_cast<char*>(p);
}

} // namespace

core::Result<ByteRing>
ByteRing::create(std::size_t capacity)
{
  if (capacity == 0)
    return ByteRing();
  std::size_t mapped = page_round(capacity);
  auto memory = map(mapped);
  if (!memory)
    return memory.take_error();
  return ByteRing(*memory, mapped, capacity);
}

ByteRing::ByteRing(ByteRing&& other) noexcept
{
  *this = std::move(other);
}

ByteRing&
ByteRing::operator=(ByteRing&& other) noexcept
{
  if (this != &other) {
    if (m_memory)
      ::munmap(m_memory, m_mapped);
    m_memory = std::exchange(other.m_memory, nullptr);
    m_mapped = std::exchange(other.m_mapped, 0);
    m_capacity = std::exchange(other.m_capacity, 0);
    m_head = std::exchange(other.m_head, 0);
    m_tail = std::exchange(other.m_tail, 0);
    m_gap = std::exchange(other.m_gap, 0);
    m_wrapped = std::exchange(other.m_wrapped, false);
    m_items = std::exchange(other.m_items, 0);
    m_used = std::exchange(other.m_used, 0);
  }
  return *this;
}

ByteRing::~ByteRing()
{
  if (m_memory)
    ::munmap(m_memory, m_mapped);
}

bool
ByteRing::fits(std::size_t value_size) const
{
  if (value_size > m_capacity || m_capacity - value_size < header_size)
    return false;
  std::size_t size = item_size(value_size);
  if (m_wrapped)
    return m_head - m_tail >= size;
  return m_capacity - m_tail >= size || m_head >= size;
}

bool
ByteRing::push(std::string_view value)
{
  if (!fits(value.size()))
    return false;
  std::size_t size = item_size(value.size());
  if (!m_wrapped && m_capacity - m_tail < size) {
    m_gap = m_tail; // wrap: the items at the top end here
    m_wrapped = true;
    m_tail = 0;
  }
  store_le<std::uint64_t>(m_memory + m_tail, value.size());
  if (!value.empty())
    std::memcpy(m_memory + m_tail + header_size, value.data(), value.size());
  m_tail += size;
  ++m_items;
  m_used += size;
  return true;
}

std::string_view
ByteRing::front() const
{
  assert(!empty());
  auto size = load_le<std::uint64_t>(m_memory + m_head);
  return {m_memory + m_head + header_size, static_cast<std::size_t>(size)};
}

void
ByteRing::pop()
{
  assert(!empty());
  std::size_t size = item_size(load_le<std::uint64_t>(m_memory + m_head));
  m_head += size;
  m_used -= size;
  if (--m_items == 0)
    reset_positions(); // the next items go to the warm first pages
  else if (m_wrapped && m_head == m_gap) {
    m_head = 0;
    m_wrapped = false;
  }
}

void
ByteRing::clear()
{
  m_items = 0;
  m_used = 0;
  reset_positions();
}

void
ByteRing::reset_positions()
{
  m_head = m_tail = m_gap = 0;
  m_wrapped = false;
}

std::array<std::string_view, 2>
ByteRing::runs() const
{
  if (empty())
    return {};
  if (!m_wrapped)
    return {std::string_view(m_memory + m_head, m_tail - m_head), {}};
  return {std::string_view(m_memory + m_head, m_gap - m_head), std::string_view(m_memory, m_tail)};
}

core::Result<char*>
ByteRing::prepare_load(std::size_t size)
{
  clear();
  if (size > m_capacity) {
    auto bigger = create(size);
    if (!bigger)
      return bigger.take_error();
    *this = std::move(*bigger);
  }
  return m_memory;
}

void
ByteRing::commit_load(std::size_t size, std::uint64_t items)
{
  assert(size <= m_capacity);
  m_items = items;
  m_used = size;
  m_head = 0;
  m_tail = size;
  m_gap = 0;
  m_wrapped = false;
  if (items == 0)
    reset_positions();
}

void
ByteRing::release_memory()
{
  if (empty() && m_memory)
    ::madvise(m_memory, m_mapped, MADV_DONTNEED);
}

core::Status
check_items(std::string_view body,
            std::uint64_t items,
            const std::string& path,
            std::uint64_t base_offset)
{
  std::uint64_t count = 0;
  std::size_t pos = 0;
  while (pos < body.size()) {
    if (body.size() - pos < ByteRing::header_size)
      return damaged(path, base_offset + pos, "item header runs past the end of the data");
    auto size = load_le<std::uint64_t>(body.data() + pos);
    if (size > body.size() - pos - ByteRing::header_size)
      return damaged(path, base_offset + pos,
                     "item of " + std::to_string(size) + " bytes runs past the end of the data");
    pos += ByteRing::header_size + size;
    ++count;
  }
  if (count != items)
    return damaged(path, base_offset + pos,
                   "the header says " + std::to_string(items) + " items, the data holds " +
                       std::to_string(count));
  return {};
}

} // namespace shoal::queuenode
