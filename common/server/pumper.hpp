// Pumper: runs the pump() of sessions on the next loop turn, once each however often they were
// scheduled. Events that feed a stream (a Listen update, a push for a waiting consumer) happen
// inside other connections' handlers; pumping later coalesces them and keeps handlers short.
#pragma once

#include "net/loop.hpp"

#include <unordered_set>

namespace shoal::server {

// Something the Pumper can call back.
class Pumpable
{
public:
  virtual ~Pumpable() = default;
  virtual void pump() = 0;
};

class Pumper
{
public:
  explicit Pumper(net::Loop& loop) : m_timer(loop) {}
  Pumper(const Pumper&) = delete;
  Pumper& operator=(const Pumper&) = delete;

  // Calls p->pump() on the next loop turn.
  void schedule(Pumpable* p);
  // p is going away: never call it.
  void forget(Pumpable* p) { m_scheduled.erase(p); }
  // Drops everything scheduled (shutdown).
  void stop();

private:
  void run();

  net::Timer m_timer;
  std::unordered_set<Pumpable*> m_scheduled;
};

} // namespace shoal::server
