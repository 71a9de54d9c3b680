// Pumper: a zero-delay timer over a set of scheduled sessions.
#include "server/pumper.hpp"

namespace shoal::server {

void
Pumper::schedule(Pumpable* p)
{
  m_scheduled.insert(p);
  if (!m_timer.active())
    m_timer.start(0, 0, [this] { run(); });
}

void
Pumper::stop()
{
  m_scheduled.clear();
  m_timer.stop();
}

void
Pumper::run()
{
  // Pumping never destroys a session synchronously (libuv frees closed connections later, and
  // forget() takes a dying session out of m_scheduled before that); a pump may schedule again.
  auto batch = std::move(m_scheduled);
  m_scheduled.clear();
  for (Pumpable* p : batch)
    p->pump();
}

} // namespace shoal::server
