// MultiStreams: the bookkeeping of parts, first failure and cancellation.
#include "client/multi_stream.hpp"

namespace shoal::client {

StreamId
MultiStreams::start(std::size_t nodes, const StartFn& start, DoneCallback done)
{
  StreamId id = m_next++;
  auto multi = std::make_unique<Multi>();
  multi->done = std::move(done);
  multi->running = nodes;
  multi->parts.resize(nodes);
  Multi& m = *multi;
  m_multis.emplace(id, std::move(multi));
  for (std::size_t i = 0; i < nodes; ++i)
    m.parts[i] = start(i, [this, id, i](Reply<void> r) { part_done(id, i, std::move(r)); });
  return id;
}

void
MultiStreams::part_done(StreamId id, std::size_t node, Reply<void> reply)
{
  auto it = m_multis.find(id);
  if (it == m_multis.end())
    return;
  Multi& m = *it->second;
  m.parts[node] = 0;
  --m.running;
  if (!reply && !m.failure) {
    m.failure.emplace(std::move(reply));
    for (std::size_t i = 0; i < m.parts.size(); ++i)
      if (m.parts[i] != 0) {
        m_cancel(i, m.parts[i]);
        m.parts[i] = 0;
        --m.running;
      }
  }
  if (m.running > 0)
    return;
  auto multi = std::move(it->second);
  m_multis.erase(it);
  auto finish = std::move(multi->done);
  finish(multi->failure ? std::move(*multi->failure) : Reply<void>());
}

void
MultiStreams::cancel(StreamId id)
{
  auto it = m_multis.find(id);
  if (it == m_multis.end())
    return;
  auto multi = std::move(it->second);
  m_multis.erase(it);
  for (std::size_t i = 0; i < multi->parts.size(); ++i)
    if (multi->parts[i] != 0)
      m_cancel(i, multi->parts[i]);
}

} // namespace shoal::client
