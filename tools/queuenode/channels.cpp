// Channels: subscriptions over the store's queues, consumers and producers waiting for space.
#include "channels.hpp"

#include "core/log.hpp"

#include <algorithm>

namespace shoal::queuenode {

namespace {
std::string
full_name(std::string_view channel, std::string_view subscriber)
{
  return QueueName{std::string(channel), std::string(subscriber)}.full();
}
} // namespace

Channels::Channels(Store& store, std::size_t max_subscribers, std::uint64_t idle_ms)
    : m_store(store), m_max_subscribers(max_subscribers), m_idle_ms(idle_ms)
{
}

void
Channels::adopt_loaded(std::uint64_t now_ms)
{
  for (Queue* q : m_store.queues()) {
    Channel& ch = m_channels[q->name().channel];
    Subscription sub{q->name().subscriber, q, {}, now_ms};
    if (sub.subscriber.empty())
      ch.subscriptions.push_front(std::move(sub));
    else
      ch.subscriptions.push_back(std::move(sub));
  }
}

core::Result<Channels::Channel*>
Channels::get_or_create(std::string_view channel, std::uint64_t now_ms)
{
  auto it = m_channels.find(channel);
  if (it != m_channels.end())
    return &it->second;
  Channel fresh;
  auto queue = m_store.get_or_create(channel);
  if (!queue)
    return queue.take_error();
  fresh.subscriptions.push_back(Subscription{"", *queue, {}, now_ms});
  return &m_channels.emplace(std::string(channel), std::move(fresh)).first->second;
}

bool
Channels::fits(std::string_view channel, std::size_t value_size) const
{
  auto it = m_channels.find(channel);
  if (it == m_channels.end())
    return true;
  std::uint64_t spill = 0; // what the queues that must overflow need on disk
  for (const auto& sub : it->second.subscriptions) {
    if (sub.queue->overflow_records() == 0 && sub.queue->ring().fits(value_size))
      continue;
    spill += value_size + 64; // a record header and some slack for the file's own header
  }
  return spill == 0 || m_store.overflow_used() + spill <= m_store.overflow_limit();
}

PushOutcome
Channels::push(std::string_view channel, std::string_view value)
{
  auto created = get_or_create(channel, 0);
  if (!created) {
    core::log_warn("cannot create channel {}: {}", channel, created.error().message);
    // The memory limit is the client's problem (OutOfMemory); anything else is the node's.
    return {created.error().code == core::Errc::unavailable ? PushStatus::full : PushStatus::failed,
            0};
  }
  Channel* ch = *created;
  if (ch->subscriptions.size() > 1 && !fits(channel, value.size()))
    return {PushStatus::full, 0}; // all or nothing for the copies of a subscribed channel
  PushOutcome outcome;
  for (auto& sub : ch->subscriptions) {
    PushResult r = sub.queue->push(value);
    if (r.status != PushStatus::ok)
      return {r.status, outcome.seq};
    outcome.seq = std::max(outcome.seq, r.seq);
    for (Consumer* c : sub.consumers)
      c->on_records();
  }
  return outcome;
}

core::Result<bool>
Channels::pop(std::string_view channel, std::string& out, std::uint64_t now_ms)
{
  auto it = m_channels.find(channel);
  if (it == m_channels.end() || it->second.subscriptions.front().subscriber != "")
    return false;
  Subscription& def = it->second.subscriptions.front();
  def.idle_since_ms = now_ms; // a popper reads the default queue: it is not abandoned
  auto popped = def.queue->pop(out);
  if (popped && *popped)
    space_freed(channel);
  return popped;
}

core::Result<Subscription*>
Channels::add_subscription(std::string_view channel,
                           Channel& ch,
                           std::string_view subscriber,
                           std::uint64_t now)
{
  std::size_t named = 0;
  for (const auto& sub : ch.subscriptions)
    named += !sub.subscriber.empty();
  if (!subscriber.empty() && named >= m_max_subscribers)
    return core::make_error(core::Errc::usage, "channel " + std::string(channel) + " has " +
                                                   std::to_string(named) +
                                                   " subscribers (--max-subscribers)");
  auto queue = m_store.get_or_create(full_name(channel, subscriber));
  if (!queue)
    return queue.take_error();
  Subscription sub{std::string(subscriber), *queue, {}, now};
  if (subscriber.empty()) {
    ch.subscriptions.push_front(std::move(sub));
    return &ch.subscriptions.front();
  }
  ch.subscriptions.push_back(std::move(sub));
  return &ch.subscriptions.back();
}

core::Result<Subscription*>
Channels::subscribe(std::string_view channel,
                    std::string_view subscriber,
                    Consumer* consumer,
                    std::uint64_t now_ms)
{
  auto it = m_channels.find(channel);
  Channel* ch = it != m_channels.end() ? &it->second : nullptr;
  if (!ch) // a named subscriber creates the channel without a default queue
    ch = &m_channels[std::string(channel)];
  Subscription* found = nullptr;
  for (auto& sub : ch->subscriptions)
    if (sub.subscriber == subscriber)
      found = &sub;
  if (!found) {
    auto added = add_subscription(channel, *ch, subscriber, now_ms);
    if (!added) {
      if (ch->subscriptions.empty())
        m_channels.erase(std::string(channel));
      return added.take_error();
    }
    found = *added;
  }
  found->consumers.push_back(consumer);
  return found;
}

void
Channels::unsubscribe(Subscription& subscription, Consumer* consumer, std::uint64_t now_ms)
{
  std::erase(subscription.consumers, consumer);
  if (subscription.consumers.empty())
    subscription.idle_since_ms = now_ms;
}

bool
Channels::remove(std::string_view channel)
{
  auto it = m_channels.find(channel);
  if (it == m_channels.end())
    return false;
  Channel ch = std::move(it->second);
  m_channels.erase(it);
  for (auto& sub : ch.subscriptions) {
    for (Consumer* c : sub.consumers)
      c->on_removed();
    if (auto status = m_store.remove(sub.queue->full_name()); !status)
      core::log_error("removing queue {}: {}", sub.queue->full_name(), status.error().message);
  }
  for (SpaceWaiter* w : ch.waiters)
    w->on_space(); // their next push recreates the channel, with room
  return true;
}

void
Channels::drop(std::string_view channel, Channel& ch, std::list<Subscription>::iterator sub)
{
  core::log_info("dropping the abandoned subscription {} ({} records)", sub->queue->full_name(),
                 sub->queue->records());
  if (auto status = m_store.remove(sub->queue->full_name()); !status)
    core::log_error("removing queue {}: {}", sub->queue->full_name(), status.error().message);
  ch.subscriptions.erase(sub);
  space_freed(channel);
}

void
Channels::drop_idle(std::uint64_t now_ms)
{
  for (auto it = m_channels.begin(); it != m_channels.end();) {
    Channel& ch = it->second;
    // The default queue of a channel without named subscribers is a plain queue: it waits
    // for its consumers as long as it takes. Any other subscription nobody reads is dropped.
    bool named = std::any_of(ch.subscriptions.begin(), ch.subscriptions.end(),
                             [](const Subscription& s) { return !s.subscriber.empty(); });
    for (auto sub = ch.subscriptions.begin(); named && sub != ch.subscriptions.end();) {
      bool idle = sub->consumers.empty() && now_ms - sub->idle_since_ms >= m_idle_ms;
      auto next = std::next(sub);
      if (idle)
        drop(it->first, ch, sub);
      sub = next;
    }
    if (ch.subscriptions.empty() && ch.waiters.empty())
      it = m_channels.erase(it);
    else
      ++it;
  }
}

void
Channels::wait_for_space(std::string_view channel, SpaceWaiter* waiter)
{
  // Only a channel that exists can be full (fits() says a new one always fits).
  if (auto it = m_channels.find(channel); it != m_channels.end())
    it->second.waiters.push_back(waiter);
}

void
Channels::stop_waiting(SpaceWaiter* waiter)
{
  for (auto& [name, ch] : m_channels)
    std::erase(ch.waiters, waiter);
}

void
Channels::space_freed(std::string_view channel)
{
  auto it = m_channels.find(channel);
  if (it == m_channels.end() || it->second.waiters.empty())
    return;
  auto waiters = std::move(it->second.waiters);
  it->second.waiters.clear();
  for (SpaceWaiter* w : waiters)
    w->on_space();
}

std::vector<std::string>
Channels::names() const
{
  std::vector<std::string> out;
  for (const auto& [name, ch] : m_channels)
    if (!ch.subscriptions.empty())
      out.push_back(name);
  return out;
}

const std::list<Subscription>*
Channels::find(std::string_view channel) const
{
  auto it = m_channels.find(channel);
  return it == m_channels.end() ? nullptr : &it->second.subscriptions;
}

} // namespace shoal::queuenode
