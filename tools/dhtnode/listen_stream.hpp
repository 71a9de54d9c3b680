// Listen replies: every change of a channel as a (key, value) pair of arrays, re-reading the
// current value when sending. shoal's extension: a removed record is sent as its key with an
// EMPTY value (stored values are never empty, so this cannot be mistaken for a record). Two
// empty arrays end the stream when the channel is removed.
#pragma once

#include "channel.hpp"
#include "server/stream.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_set>

namespace shoal::dhtnode {

class Session;

class ListenStream : public server::Stream, public ChannelWatcher
{
public:
  // Changed keys waiting to be sent; beyond this many, updates are dropped (and counted), as
  // in the original (256 KiB of hashes).
  static constexpr std::size_t max_pending = 32768;

  ListenStream(Session& session, std::shared_ptr<Channel> channel);
  ~ListenStream() override;

  bool pump(net::Connection& conn) override;
  void on_change(std::uint64_t key) override;
  void on_removed() override;

private:
  Session& m_session;
  std::shared_ptr<Channel> m_channel;
  std::deque<std::uint64_t> m_pending;      // keys in the order they changed
  std::unordered_set<std::uint64_t> m_keys; // the same keys, to send each once per flush
  bool m_channel_removed = false;
  std::uint64_t m_last_drop_warning = 0;
};

} // namespace shoal::dhtnode
