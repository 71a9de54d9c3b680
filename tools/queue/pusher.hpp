// Pusher: sends records to the queue as they come (Push, or PushMulti to several channels),
// round-robin over the nodes, with a bounded number awaiting an answer, so that millions of
// records stream through in bounded memory.
#pragma once

#include "client/queue.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::queue {

// Usage: add() while !backlogged(), else wait for the ready callback; then finish(). After the
// first failure nothing more is sent and finish() reports it; records already stored stay.
class Pusher
{
public:
  // Pushes to channels (PushMulti when multi, else Push to the only channel).
  Pusher(client::Queue& queue,
         std::vector<std::string> channels,
         bool multi,
         std::size_t in_flight);
  Pusher(const Pusher&) = delete;
  Pusher& operator=(const Pusher&) = delete;

  // Sends a record (not empty); ignored after a failure.
  void add(std::string_view value);
  // True when as many records as allowed await an answer: pause until ready.
  bool backlogged() const { return m_in_flight >= m_limit; }
  // Called when backlogged() turns false again, or a failure happened.
  void on_ready(std::function<void()> fn) { m_on_ready = std::move(fn); }
  // The first failure, if any.
  const std::optional<client::Reply<void>>& failure() const { return m_failure; }
  // Calls done once every record sent has been answered (at once when none is outstanding).
  void finish(client::Callback<void> done);
  // Records the nodes confirmed.
  std::uint64_t stored() const { return m_stored; }

private:
  void answered(client::Reply<void> reply);

  client::Queue& m_queue;
  std::vector<std::string> m_channels;
  bool m_multi;
  std::size_t m_limit;
  std::size_t m_in_flight = 0;
  std::uint64_t m_stored = 0;
  std::optional<client::Reply<void>> m_failure;
  std::function<void()> m_on_ready;
  client::Callback<void> m_done;
};

} // namespace shoal::queue
