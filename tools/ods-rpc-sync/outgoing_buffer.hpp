// Messages on their way to the broker, oldest first, kept until the broker confirms them
// (AMQP publisher confirms): the channel numbers its publishes 1, 2, 3...; basic.ack names one
// number or, with multiple, every number up to it. A joinable body published while the newest
// message is still unsent joins it (PendingMessage::join): the caller publishes while fewer
// than a few messages await their confirmation, so a broker that lags receives fewer, bigger
// messages rather than a backlog. After a reconnection whatever was not confirmed is published
// again, in the original order. Not thread-safe (the caller locks).
#pragma once

#include "transport.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace shoal::odsrpcsync {

class OutgoingBuffer
{
public:
  // limit: messages held at most (sent-but-unconfirmed included); at least 1.
  explicit OutgoingBuffer(std::size_t limit);

  // Appends body, or joins it to the newest message if that is unsent (see PendingMessage).
  // When the buffer is full the oldest message falls out to make room: returns how many
  // bodies fell out.
  std::size_t push(std::string body, bool joinable = false);

  // The oldest message not yet published on this channel, or nullptr.
  const PendingMessage* next_unsent() const;

  struct Sent {
    std::uint64_t seq = 0; // its number on this channel
    std::size_t again = 0; // bodies it holds that were published on an earlier channel
  };
  // Records that the message next_unsent() returned is being published (there must be one).
  Sent mark_sent();

  // The broker's basic.ack or basic.nack: seq is answered, and with multiple every number
  // before it too. Returns how many bodies this answered for the first time.
  std::size_t confirm(std::uint64_t seq, bool multiple);

  // A new channel: unconfirmed messages become unsent again (to be republished in order),
  // confirmed ones leave, and numbering starts again at 1.
  void restart();

  std::size_t size() const { return m_entries.size(); } // messages held
  std::size_t unsent() const { return m_entries.size() - m_sent; }
  bool empty() const { return m_entries.empty(); }
  // Messages published on this channel and not confirmed yet (but those that fell out).
  std::size_t in_flight() const { return m_in_flight; }

private:
  struct Entry : PendingMessage {
    std::uint64_t seq = 0; // 0: not published on this channel
    bool confirmed = false;
    bool sent_before = false; // published on an earlier channel
  };

  void drop_confirmed_front();

  std::deque<Entry> m_entries;
  std::size_t m_sent = 0; // m_entries[0, m_sent) are published on this channel, numbered in a row
  std::size_t m_in_flight = 0; // of those, not confirmed
  std::uint64_t m_next_seq = 1;
  std::size_t m_limit;
};

} // namespace shoal::odsrpcsync
