// MergeQueue: merges the updates of every incoming stream in timestamp order. Each stream is in
// order already, but updates of different nodes reach this one in the order the transport
// happened to deliver them; each update is held for a short window, so that an update of
// another node made a little earlier but delivered a little later still goes first. Last
// writer wins makes the outcome per flag independent of the order; the window orders changes
// across flags (a zone's `signed` before its `chaining`) and costs its length in latency.
#pragma once

#include "update.hpp"

#include <cstdint>
#include <queue>
#include <vector>

namespace shoal::odsrpcsync {

struct Incoming {
  Update update;
  std::uint64_t tag = 0;        // the transport's, to acknowledge once applied
  std::uint64_t arrived_ms = 0; // loop time of arrival
};

class MergeQueue
{
public:
  explicit MergeQueue(std::uint64_t window_ms) : m_window_ms(window_ms) {}

  void push(Incoming in);
  // The updates due at now_ms, in (timestamp, origin) order: the earliest update is released
  // once it has waited the window, and everything released is older than what stays.
  std::vector<Incoming> pop_due(std::uint64_t now_ms);
  // When the next update is due (loop time); only meaningful when !empty().
  std::uint64_t next_due_ms() const { return m_heap.top().arrived_ms + m_window_ms; }
  bool empty() const { return m_heap.empty(); }
  std::size_t size() const { return m_heap.size(); }

private:
  struct Later {
    bool operator()(const Incoming& a, const Incoming& b) const;
  };
  std::uint64_t m_window_ms;
  std::priority_queue<Incoming, std::vector<Incoming>, Later> m_heap;
};

} // namespace shoal::odsrpcsync
