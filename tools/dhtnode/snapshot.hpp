// Snapshot: a periodic dump taken by a forked child, so that the node keeps serving while a
// copy-on-write image of its memory is written to disk (what the original's users asked for,
// specs/swarm.md §7.2; Redis's BGSAVE works the same way).
#pragma once

#include "storage.hpp"

#include "net/loop.hpp"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

namespace shoal::dhtnode {

class Snapshot
{
public:
  // done(ok, duration_ms) runs on the loop when a snapshot finishes.
  Snapshot(net::Loop& loop,
           const Storage& storage,
           std::string dir,
           std::function<void(bool, std::uint64_t)> done);
  ~Snapshot();

  // Forks a child that dumps every channel; false if one is running or fork failed.
  bool start();
  bool running() const { return m_child > 0; }
  // Kills a running child and waits for it (its temporary files are left as *.dumping).
  void cancel();

private:
  void poll();

  const Storage& m_storage;
  std::string m_dir;
  std::function<void(bool, std::uint64_t)> m_done;
  net::Timer m_poll;
  pid_t m_child = -1;
  std::uint64_t m_started_ms = 0;
};

} // namespace shoal::dhtnode
