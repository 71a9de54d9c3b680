// The publisher-confirm bookkeeping. Published bodies form a prefix of the deque whose numbers
// never decrease (a message's bodies share its number), and only the front ever leaves.
#include "outgoing_buffer.hpp"

#include <algorithm>

namespace shoal::odsrpcsync {

OutgoingBuffer::OutgoingBuffer(std::size_t limit) : m_limit(std::max<std::size_t>(limit, 1)) {}

std::size_t
OutgoingBuffer::push(std::string body, bool joinable)
{
  std::size_t dropped = 0;
  if (m_entries.size() >= m_limit) {
    m_entries.pop_front();
    if (m_sent > 0)
      --m_sent;
    dropped = 1;
    drop_confirmed_front();
  }
  m_entries.push_back(Entry{std::move(body), joinable});
  return dropped;
}

std::optional<OutgoingBuffer::Message>
OutgoingBuffer::take(std::size_t max_bytes)
{
  if (m_sent == m_entries.size())
    return std::nullopt;
  Message m;
  m.seq = m_next_seq++;
  for (;;) {
    Entry& e = m_entries[m_sent++];
    m.body += e.body;
    m.again += e.sent_before ? 1 : 0;
    ++m.count;
    e.seq = m.seq;
    if (!e.joinable || m_sent == m_entries.size())
      break;
    const Entry& next = m_entries[m_sent];
    if (!next.joinable || m.body.size() + next.body.size() > max_bytes)
      break;
  }
  return m;
}

std::size_t
OutgoingBuffer::confirm(std::uint64_t seq, bool multiple)
{
  if (seq == 0 || seq >= m_next_seq) {
    if (!multiple || m_next_seq == 1)
      return 0; // a number this channel never used: ignore it
    seq = m_next_seq - 1;
  }
  confirm_number(seq, multiple);
  std::size_t count = confirm_entries(seq, multiple);
  drop_confirmed_front();
  return count;
}

std::size_t
OutgoingBuffer::confirm_entries(std::uint64_t seq, bool multiple)
{
  std::size_t count = 0;
  for (std::size_t i = 0; i < m_sent && m_entries[i].seq <= seq; ++i) {
    Entry& e = m_entries[i];
    if (!e.confirmed && (multiple || e.seq == seq)) {
      e.confirmed = true;
      ++count;
    }
  }
  return count;
}

void
OutgoingBuffer::confirm_number(std::uint64_t seq, bool multiple)
{
  if (seq <= m_confirmed_to)
    return;
  if (multiple) {
    m_confirmed_to = seq;
    m_confirmed_after.erase(m_confirmed_after.begin(), m_confirmed_after.upper_bound(seq));
  } else {
    m_confirmed_after.insert(seq);
  }
  while (!m_confirmed_after.empty() && *m_confirmed_after.begin() == m_confirmed_to + 1) {
    ++m_confirmed_to;
    m_confirmed_after.erase(m_confirmed_after.begin());
  }
}

std::uint64_t
OutgoingBuffer::in_flight() const
{
  return m_next_seq - 1 - m_confirmed_to - m_confirmed_after.size();
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
  m_next_seq = 1;
  m_confirmed_to = 0;
  m_confirmed_after.clear();
}

} // namespace shoal::odsrpcsync
