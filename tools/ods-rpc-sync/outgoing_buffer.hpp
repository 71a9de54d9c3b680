// Updates on their way to the broker, oldest first, kept until the broker confirms them
// (AMQP publisher confirms): the channel numbers its publishes 1, 2, 3...; basic.ack names one
// number or, with multiple, every number up to it. Consecutive joinable bodies (update lines)
// travel in one message, so that a broker that lags receives fewer, bigger messages rather than
// a backlog: the caller publishes while fewer than a few messages await their confirmation, and
// whatever arrives meanwhile goes together in the next. After a reconnection whatever was not
// confirmed is published again, in the original order. Not thread-safe (the caller locks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>

namespace shoal::odsrpcsync {

class OutgoingBuffer
{
public:
  // limit: bodies held at most (sent-but-unconfirmed included); at least 1.
  explicit OutgoingBuffer(std::size_t limit);

  // Appends body; joinable: it is one line ending in '\n' that may share a message with the
  // joinable bodies next to it. When the buffer is full the oldest body falls out to make
  // room: returns how many fell out (0 or 1).
  std::size_t push(std::string body, bool joinable = false);

  struct Message {
    std::string body;      // one body, or joinable ones concatenated
    std::uint64_t seq = 0; // its number on this channel
    std::size_t count = 0; // bodies in it
    std::size_t again = 0; // ... published on an earlier channel already (republished)
  };
  // The next message to publish, numbered and its bodies marked sent: the oldest unsent body
  // and, when it is joinable, the joinable ones after it while the message stays within
  // max_bytes. nullopt when everything is sent.
  std::optional<Message> take(std::size_t max_bytes);

  // The broker's basic.ack: seq is confirmed, and with multiple every number before it too.
  // Returns how many bodies this confirmed for the first time.
  std::size_t confirm(std::uint64_t seq, bool multiple);

  // A new channel: unconfirmed bodies become unsent again (to be republished in order),
  // confirmed ones leave, and numbering starts again at 1.
  void restart();

  std::size_t size() const { return m_entries.size(); } // bodies held
  std::size_t unsent() const { return m_entries.size() - m_sent; }
  bool empty() const { return m_entries.empty(); }
  // Messages published on this channel and not confirmed yet (counted by number, so that a
  // body that fell out of the buffer still counts until its confirmation comes).
  std::uint64_t in_flight() const;

private:
  struct Entry {
    std::string body;
    bool joinable = false;
    std::uint64_t seq = 0; // 0: not published on this channel
    bool confirmed = false;
    bool sent_before = false; // published on an earlier channel
  };

  std::size_t confirm_entries(std::uint64_t seq, bool multiple);
  void confirm_number(std::uint64_t seq, bool multiple);
  void drop_confirmed_front();

  std::deque<Entry> m_entries;
  std::size_t m_sent = 0; // m_entries[0, m_sent) are published on this channel, numbers rising
  std::uint64_t m_next_seq = 1;
  std::uint64_t m_confirmed_to = 0;          // every number up to this one is confirmed ...
  std::set<std::uint64_t> m_confirmed_after; // ... and these after it
  std::size_t m_limit;
};

} // namespace shoal::odsrpcsync
