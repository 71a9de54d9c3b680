// LagGauge: whether a stream's client lags behind it, so that compressing the stream pays.
// LZO costs the node CPU to save bytes; that buys time only while the link (or the client) is
// slower than the node. The gauge says "lagging" once the stream had to wait for the client
// (its queue for the connection filled up), and "keeping up" again once the client has taken
// all but caught_up_backlog bytes of what was written (in our queue and the kernel's send
// queue); in between it keeps its verdict, so that a reply does not flip on every hiccup.
// Waiting is the sign rather than a large backlog: the kernel's share of the backlog ranges
// from kilobytes to megabytes with its buffer tuning, and a reader nearby leaves megabytes
// queued now and then while keeping up on the whole.
#pragma once

#include <cstddef>

namespace shoal::server {

class LagGauge
{
public:
  static constexpr std::size_t caught_up_backlog = 256 << 10;

  // At the start of a pump, before it adds to the queue, given the connection's
  // backlog_bytes(): the verdict for what it sends now.
  bool judge(std::size_t backlog)
  {
    if (m_waited)
      m_lagging = true;
    else if (backlog <= caught_up_backlog)
      m_lagging = false;
    m_waited = false;
    return m_lagging;
  }

  // A pump left the queue full: the stream waits for the client to read.
  void waiting() { m_waited = true; }

private:
  bool m_lagging = false; // a new reply starts uncompressed: nothing is known of the link
  bool m_waited = false;
};

} // namespace shoal::server
