// Channels: the queue node's view of its queues as channels and subscriptions (specs/swarm.md
// §4.5). A channel has a default queue (plain Consume and Pop) and one queue per named
// subscriber; a push is copied into every queue of its channel. Consumers of one queue compete
// (each record goes to one of them); producers held back by a full queue wait here for space.
#pragma once

#include "queue.hpp"
#include "store.hpp"

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::queuenode {

// A Consume request attached to a queue.
class Consumer
{
public:
  virtual ~Consumer() = default;
  // Records arrived (send them when the connection can take them).
  virtual void on_records() = 0;
  // The channel (or the subscription) is gone: end the stream. The consumer is detached
  // already and must not use its subscription again.
  virtual void on_removed() = 0;
};

// Someone waiting for space in a channel (a Produce held back by a full queue).
class SpaceWaiter
{
public:
  virtual ~SpaceWaiter() = default;
  // A queue of the channel gave up records: try again.
  virtual void on_space() = 0;
};

// One queue of a channel and the consumers taking from it.
struct Subscription {
  std::string subscriber; // "" for the default queue
  Queue* queue = nullptr; // owned by the Store
  std::vector<Consumer*> consumers;
  std::uint64_t idle_since_ms = 0; // when it last had no consumer (or was last popped)
};

// What a push or a pop did.
struct PushOutcome {
  PushStatus status = PushStatus::ok;
  std::uint64_t seq = 0; // durable mode: the journal entry to wait for
};

class Channels
{
public:
  // max_subscribers bounds the named subscriptions of a channel; idle_ms is how long a
  // subscription may go without consumers before it is dropped (see drop_idle).
  Channels(Store& store, std::size_t max_subscribers, std::uint64_t idle_ms);

  // Builds the channels from the queues the store loaded.
  void adopt_loaded(std::uint64_t now_ms);

  // Appends value to every queue of channel (creating the channel with its default queue).
  // full: some queue had no room (nothing was pushed if that could be told beforehand).
  PushOutcome push(std::string_view channel, std::string_view value);
  // True if value would fit in every queue of channel now (a new channel always fits).
  bool fits(std::string_view channel, std::size_t value_size) const;
  // Takes the oldest record of channel's default queue; false if there is none.
  core::Result<bool> pop(std::string_view channel, std::string& out, std::uint64_t now_ms);

  // Attaches a consumer to the subscriber's queue of channel (creating what is missing).
  // Errc::usage when the channel has max_subscribers named subscriptions already.
  core::Result<Subscription*> subscribe(std::string_view channel,
                                        std::string_view subscriber,
                                        Consumer* consumer,
                                        std::uint64_t now_ms);
  // Detaches a consumer (its stream ended or its connection closed).
  void unsubscribe(Subscription& subscription, Consumer* consumer, std::uint64_t now_ms);

  // Removes a channel with all its queues; its consumers are told. False if it did not exist.
  bool remove(std::string_view channel);
  // Drops subscriptions without consumers for longer than idle_ms: named ones always, the
  // default queue only when the channel has named subscribers (then nobody else reads it).
  void drop_idle(std::uint64_t now_ms);

  void wait_for_space(std::string_view channel, SpaceWaiter* waiter);
  void stop_waiting(SpaceWaiter* waiter);
  // Records left channel's queues: wake whoever waits for space in it.
  void space_freed(std::string_view channel);

  std::vector<std::string> names() const;
  // Every subscription of channel (empty if there is no such channel).
  const std::list<Subscription>* find(std::string_view channel) const;
  std::size_t size() const { return m_channels.size(); }

private:
  struct Channel {
    std::list<Subscription> subscriptions; // the default queue (if any) first; stable addresses
    std::vector<SpaceWaiter*> waiters;
  };

  core::Result<Channel*> get_or_create(std::string_view channel, std::uint64_t now_ms);
  core::Result<Subscription*> add_subscription(std::string_view channel,
                                               Channel& ch,
                                               std::string_view subscriber,
                                               std::uint64_t now);
  void drop(std::string_view channel, Channel& ch, std::list<Subscription>::iterator sub);

  Store& m_store;
  std::size_t m_max_subscribers;
  std::uint64_t m_idle_ms;
  std::map<std::string, Channel, std::less<>> m_channels;
};

} // namespace shoal::queuenode
