// ConsumeStream: pop batches straight into the connection's output, in the wire's array form.
#include "consume_stream.hpp"

#include "node.hpp"
#include "session.hpp"

#include "core/log.hpp"
#include "proto/wire.hpp"

namespace shoal::queuenode {

ConsumeStream::ConsumeStream(Session& session, std::string channel)
    : m_session(session), m_node(session.node()), m_channel(std::move(channel))
{
}

ConsumeStream::~ConsumeStream()
{
  if (m_subscription)
    m_node.channels().unsubscribe(*m_subscription, this, m_node.now_ms());
}

bool
ConsumeStream::pump(net::Connection& conn)
{
  if (!m_subscription) {
    proto::WireWriter(conn.output()).array_length(0); // the channel was removed
    return true;
  }
  std::uint64_t taken = 0;
  while (conn.queued_bytes() < window) {
    // A batch is [u64 length][payload] per record: exactly a sequence of wire arrays.
    auto n = m_subscription->queue->pop_batch(conn.output(), 64 << 10);
    if (!n) {
      core::log_error("Consume of {}: {}", m_subscription->queue->full_name(), n.error().message);
      break;
    }
    if (*n == 0)
      break;
    taken += *n;
  }
  if (taken) {
    m_session.node().stats().consumed += taken;
    m_node.channels().space_freed(m_channel);
  }
  if (conn.queued_bytes() >= window)
    conn.want_drain(); // more when the client has read some
  return false;
}

void
ConsumeStream::on_records()
{
  m_session.schedule_pump();
}

void
ConsumeStream::on_removed()
{
  m_subscription = nullptr;
  m_session.schedule_pump();
}

} // namespace shoal::queuenode
