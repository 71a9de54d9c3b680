// SpreadProducer: choosing a node per record, and ending when every part has ended.
#include "client/queue_spread_producer.hpp"

namespace shoal::client {

SpreadProducer::SpreadProducer(std::size_t nodes, const OpenFn& open, DoneCallback done)
    : m_parts(nodes), m_open(nodes), m_done(std::move(done))
{
  for (std::size_t i = 0; i < nodes; ++i) {
    m_parts[i].producer = open(i, [this, i](Reply<void> r) { part_done(i, std::move(r)); });
    m_parts[i].producer->on_writable([this] { part_writable(); });
  }
}

SpreadProducer::~SpreadProducer() = default;

void
SpreadProducer::push(std::string_view value)
{
  if (m_finishing || m_open == 0)
    return;
  const std::size_t n = m_parts.size();
  std::size_t chosen = n;
  for (std::size_t k = 0; k < n && chosen == n; ++k) { // the next writable part
    std::size_t i = (m_next + k) % n;
    if (!m_parts[i].ended && m_parts[i].producer->writable())
      chosen = i;
  }
  for (std::size_t k = 0; k < n && chosen == n; ++k) { // else the next open one
    std::size_t i = (m_next + k) % n;
    if (!m_parts[i].ended)
      chosen = i;
  }
  m_parts[chosen].producer->push(value);
  m_next = (chosen + 1) % n;
}

bool
SpreadProducer::writable() const
{
  bool any = false;
  for (const Part& part : m_parts)
    any = (!part.ended && part.producer->writable()) || any; // ask all: each remembers it
  any = any && !m_finishing;
  if (!any)
    m_blocked = true;
  return any;
}

void
SpreadProducer::finish()
{
  if (m_finishing)
    return;
  m_finishing = true;
  for (Part& part : m_parts)
    if (!part.ended)
      part.producer->finish();
}

std::uint64_t
SpreadProducer::records() const
{
  std::uint64_t total = 0;
  for (const Part& part : m_parts)
    total += part.producer->records();
  return total;
}

void
SpreadProducer::part_done(std::size_t node, Reply<void> reply)
{
  m_parts[node].ended = true;
  --m_open;
  if (!reply && !m_failure)
    m_failure.emplace(std::move(reply));
  if (m_open > 0) {
    part_writable(); // the records that waited for it may go elsewhere now
    return;
  }
  auto done = std::move(m_done);
  if (done) // may destroy this: touch nothing after it
    done(m_failure ? std::move(*m_failure) : Reply<void>());
}

void
SpreadProducer::part_writable()
{
  if (!m_blocked || !m_on_writable || !writable())
    return;
  m_blocked = false;
  auto fn = m_on_writable; // a copy: it may destroy this
  fn();
}

} // namespace shoal::client
