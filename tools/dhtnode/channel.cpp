// Channel: writes go to the table and are announced to the watchers.
#include "channel.hpp"

#include <algorithm>

namespace shoal::dhtnode {

void
Channel::put(std::uint64_t key, std::string_view value)
{
  m_table.put(key, value);
  notify(key);
}

bool
Channel::remove(std::uint64_t key)
{
  if (!m_table.remove(key))
    return false;
  notify(key);
  return true;
}

void
Channel::remove_all()
{
  m_removed = true;
  m_table.clear();
  // Watchers detach themselves in on_removed(), which shrinks the vector under us.
  auto watchers = m_watchers;
  for (ChannelWatcher* w : watchers)
    w->on_removed();
  m_watchers.clear();
}

void
Channel::add_watcher(ChannelWatcher* watcher)
{
  m_watchers.push_back(watcher);
}

void
Channel::remove_watcher(ChannelWatcher* watcher)
{
  std::erase(m_watchers, watcher);
}

void
Channel::notify(std::uint64_t key)
{
  for (ChannelWatcher* w : m_watchers)
    w->on_change(key);
}

} // namespace shoal::dhtnode
