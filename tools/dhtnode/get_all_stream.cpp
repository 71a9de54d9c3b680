// GetAllStream: fills batches from the channel's cursor while the connection can take them.
#include "get_all_stream.hpp"

#include "node.hpp"
#include "session.hpp"

#include "core/log.hpp"
#include "proto/wire.hpp"

namespace shoal::dhtnode {

namespace {
// Records looked at per pump before yielding to other connections (a filter that matches
// little would otherwise scan a whole channel in one loop turn).
constexpr std::size_t scan_budget = 1 << 17;
} // namespace

GetAllStream::GetAllStream(Session& session,
                           std::shared_ptr<Channel> channel,
                           proto::Command command,
                           std::string filter)
    : m_session(session), m_channel(std::move(channel)),
      m_keys_only(command == proto::Command::get_all_keys),
      m_filtered(command == proto::Command::get_all_filter), m_filter(std::move(filter)),
      m_batch(session.node().options().batch_size)
{
}

bool
GetAllStream::pump(net::Connection& conn)
{
  while (!conn.write_blocked()) {
    Fill fill = m_channel && !m_channel->removed() ? fill_batch() : Fill::done;
    if (!m_batch.empty())
      m_batch.finish_array(conn.output());
    if (fill == Fill::done) {
      proto::WireWriter(conn.output()).array_length(0); // end of the stream
      return true;
    }
    if (fill == Fill::budget) { // let other connections in; continue on the next loop turn
      m_session.schedule_pump();
      return false;
    }
  }
  return false;
}

GetAllStream::Fill
GetAllStream::fill_batch()
{
  if (m_held) {
    m_held = false;
    add(m_held_key, m_held_value);
  }
  std::size_t scanned = 0;
  bool done = m_channel->table().scan(m_cursor, [&](std::uint64_t key, std::string_view value) {
    ++scanned;
    if (m_filtered && value.find(m_filter) == std::string_view::npos)
      return scanned < scan_budget;
    if (!add(key, value)) {
      m_held = true; // scan() moved past it: keep it for the next batch
      m_held_key = key;
      m_held_value.assign(value);
      return false;
    }
    return scanned < scan_budget;
  });
  if (m_held)
    return Fill::full;
  return done ? Fill::done : Fill::budget;
}

bool
GetAllStream::add(std::uint64_t key, std::string_view value)
{
  bool added = m_keys_only ? m_batch.add_key(key) : m_batch.add(key, value);
  if (added) {
    ++m_session.node().stats().iterated;
    return true;
  }
  if (!m_keys_only && !m_batch.fits_empty(value.size())) {
    core::log_warn("GetAll of {}: record {:016x} ({} bytes) is larger than a batch; skipped",
                   m_channel->name(), key, value.size());
    return true;
  }
  return false;
}

} // namespace shoal::dhtnode
