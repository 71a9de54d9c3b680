// Queue names: one queue per (channel, subscriber); "<subscriber>@<channel>" names a named
// subscriber's queue and "<channel>" the default subscriber's (specs/swarm.md §4.5).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace shoal::queuenode {

// Longest full name: "<name>.<16 hex digits>.ovf" (21 more bytes) must fit in a file name.
inline constexpr std::size_t max_queue_name = 255 - 21;

// A channel and a subscriber of it ("" is the default subscriber).
struct QueueName {
  std::string channel;
  std::string subscriber;

  // "<subscriber>@<channel>", or "<channel>" for the default subscriber.
  std::string full() const;

  // Parses a full name; "@<channel>" (the later DMQ's spelling) is the default subscriber.
  // nullopt unless channel and subscriber are [A-Za-z0-9_-] (subscriber may be empty) and the
  // full name is at most max_queue_name bytes.
  static std::optional<QueueName> parse(std::string_view full);

  bool operator==(const QueueName&) const = default;
};

} // namespace shoal::queuenode
