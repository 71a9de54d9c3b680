// The publisher-confirm bookkeeping. Published messages form a prefix of the deque whose
// numbers run without gaps (a channel numbers every publish and only the front ever leaves),
// so the entry of number n sits at n - front's number.
#include "outgoing_buffer.hpp"

#include <algorithm>
#include <cassert>

namespace shoal::odsrpcsync {

OutgoingBuffer::OutgoingBuffer(std::size_t limit) : m_limit(std::max<std::size_t>(limit, 1)) {}

std::size_t
OutgoingBuffer::push(std::string body, bool joinable)
{
  if (m_sent < m_entries.size() && m_entries.back().join(body, joinable))
    return 0;
  std::size_t dropped = 0;
  if (m_entries.size() >= m_limit) {
    const Entry& oldest = m_entries.front();
    dropped = oldest.count;
    if (m_sent > 0) {
      --m_sent;
      m_in_flight -= oldest.confirmed ? 0 : 1;
    }
    m_entries.pop_front();
    drop_confirmed_front();
  }
  Entry e;
  e.body = std::move(body);
  e.joinable = joinable;
  m_entries.push_back(std::move(e));
  return dropped;
}

const PendingMessage*
OutgoingBuffer::next_unsent() const
{
  return m_sent < m_entries.size() ? &m_entries[m_sent] : nullptr;
}

OutgoingBuffer::Sent
OutgoingBuffer::mark_sent()
{
  assert(m_sent < m_entries.size());
  Entry& e = m_entries[m_sent++];
  e.seq = m_next_seq++;
  ++m_in_flight;
  return Sent{e.seq, e.sent_before ? e.count : 0};
}

std::size_t
OutgoingBuffer::confirm(std::uint64_t seq, bool multiple)
{
  if (m_sent == 0 || seq < m_entries.front().seq)
    return 0; // nothing published, or it fell out of the buffer already
  std::uint64_t offset = seq - m_entries.front().seq;
  if (offset >= m_sent) {
    if (!multiple)
      return 0; // a number this channel never used: ignore it
    offset = m_sent - 1;
  }
  std::size_t first = multiple ? 0 : static_cast<std::size_t>(offset);
  std::size_t count = 0;
  for (std::size_t i = first; i <= offset; ++i) {
    Entry& e = m_entries[i];
    if (!e.confirmed) {
      e.confirmed = true;
      --m_in_flight;
      count += e.count;
    }
  }
  drop_confirmed_front();
  return count;
}

void
OutgoingBuffer::drop_confirmed_front()
{
  while (m_sent > 0 && m_entries.front().confirmed) {
    m_entries.pop_front();
    --m_sent;
  }
}

void
OutgoingBuffer::restart()
{
  std::erase_if(m_entries, [](const Entry& e) { return e.confirmed; });
  for (Entry& e : m_entries) {
    if (e.seq != 0)
      e.sent_before = true;
    e.seq = 0;
  }
  m_sent = 0;
  m_in_flight = 0;
  m_next_seq = 1;
}

} // namespace shoal::odsrpcsync
