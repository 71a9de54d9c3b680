// ListenStream: queue changed keys, send their current values when the loop comes round.
#include "listen_stream.hpp"

#include "node.hpp"
#include "session.hpp"

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/log.hpp"
#include "proto/wire.hpp"

namespace shoal::dhtnode {

ListenStream::ListenStream(Session& session, std::shared_ptr<Channel> channel)
    : m_session(session), m_channel(std::move(channel))
{
  m_channel->add_watcher(this);
}

ListenStream::~ListenStream()
{
  if (!m_channel_removed)
    m_channel->remove_watcher(this);
}

void
ListenStream::on_change(std::uint64_t key)
{
  if (m_keys.count(key))
    return; // already queued: the current value is read when it is sent
  if (m_pending.size() >= max_pending) {
    ++m_session.node().stats().listen_dropped;
    std::uint64_t now = core::now_ms();
    if (now - m_last_drop_warning >= 1000) {
      m_last_drop_warning = now;
      core::log_warn("Listen on {} from {} lags behind: dropping updates", m_channel->name(),
                     m_session.conn().peer().str());
    }
    return;
  }
  m_pending.push_back(key);
  m_keys.insert(key);
  m_session.schedule_pump();
}

void
ListenStream::on_removed()
{
  m_channel_removed = true; // the channel drops its watchers itself
  m_pending.clear();
  m_keys.clear();
  m_session.schedule_pump();
}

bool
ListenStream::pump(net::Connection& conn)
{
  proto::WireWriter out(conn.output());
  if (m_channel_removed) {
    out.array_length(0);
    out.array_length(0);
    return true;
  }
  char hex[core::key_hex_digits];
  while (!m_pending.empty() && !conn.write_blocked()) {
    std::uint64_t key = m_pending.front();
    m_pending.pop_front();
    m_keys.erase(key);
    core::format_key(key, hex);
    out.array(std::string_view(hex, sizeof hex));
    auto value = m_channel->table().get(key);
    out.array(value ? *value : std::string_view{}); // empty: the record was removed
    ++m_session.node().stats().listen_sent;
  }
  return false;
}

} // namespace shoal::dhtnode
