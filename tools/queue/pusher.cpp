// Pusher: the in-flight window and the first failure.
#include "pusher.hpp"

namespace shoal::queue {

Pusher::Pusher(client::Queue& queue,
               std::vector<std::string> channels,
               bool multi,
               std::size_t in_flight)
    : m_queue(queue), m_channels(std::move(channels)), m_multi(multi), m_limit(in_flight)
{
}

void
Pusher::add(std::string_view value)
{
  if (m_failure || m_done)
    return;
  ++m_in_flight;
  auto cb = [this](client::Reply<void> r) { answered(std::move(r)); };
  if (m_multi)
    m_queue.push_multi(m_channels, value, cb);
  else
    m_queue.push(m_channels.front(), value, cb);
}

void
Pusher::answered(client::Reply<void> reply)
{
  bool was_backlogged = backlogged();
  --m_in_flight;
  if (reply)
    ++m_stored;
  else if (!m_failure)
    m_failure.emplace(std::move(reply));
  if (m_done) {
    if (m_in_flight == 0)
      std::exchange(m_done, nullptr)(m_failure ? *m_failure : client::Reply<void>());
    return;
  }
  if ((was_backlogged && !backlogged()) || (m_failure && !reply))
    if (m_on_ready)
      m_on_ready();
}

void
Pusher::finish(client::Callback<void> done)
{
  if (m_in_flight == 0)
    return done(m_failure ? *m_failure : client::Reply<void>());
  m_done = std::move(done);
}

} // namespace shoal::queue
