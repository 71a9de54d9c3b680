// MergeQueue: a heap by (timestamp, origin); the top leaves once it has waited its window.
#include "merge_queue.hpp"

#include "state_db.hpp"

namespace shoal::odsrpcsync {

bool
MergeQueue::Later::operator()(const Incoming& a, const Incoming& b) const
{
  return newer(a.update.ts_ns, a.update.origin, b.update.ts_ns, b.update.origin);
}

void
MergeQueue::push(Incoming in)
{
  m_heap.push(std::move(in));
}

std::vector<Incoming>
MergeQueue::pop_due(std::uint64_t now_ms)
{
  std::vector<Incoming> out;
  while (!m_heap.empty() && next_due_ms() <= now_ms) {
    out.push_back(m_heap.top());
    m_heap.pop();
  }
  return out;
}

} // namespace shoal::odsrpcsync
