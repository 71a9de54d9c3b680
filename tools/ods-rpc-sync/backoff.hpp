// Exponential back-off between attempts (the transports' connections and pushes): 100 ms,
// doubling, at most 30 s by default; back to the start after a success.
#pragma once

#include <algorithm>
#include <chrono>

namespace shoal::odsrpcsync {

class Backoff
{
public:
  using ms = std::chrono::milliseconds;

  explicit Backoff(ms first = ms{100}, ms max = ms{30000}) : m_first(first), m_max(max) {}

  // The wait before the next attempt; each call doubles the following one, up to max.
  ms next()
  {
    ms out = m_next;
    m_next = std::min(m_next * 2, m_max);
    return out;
  }
  void reset() { m_next = m_first; }

private:
  ms m_first;
  ms m_max;
  ms m_next = m_first;
};

} // namespace shoal::odsrpcsync
