// Storage: a name-ordered map of channels; totals are summed on demand (channels are few).
#include "storage.hpp"

namespace shoal::dhtnode {

std::shared_ptr<Channel>
Storage::find(std::string_view name) const
{
  auto it = m_channels.find(name);
  return it == m_channels.end() ? nullptr : it->second;
}

std::shared_ptr<Channel>
Storage::get_or_create(std::string_view name)
{
  auto it = m_channels.find(name);
  if (it != m_channels.end())
    return it->second;
  auto channel = std::make_shared<Channel>(std::string(name));
  m_channels.emplace(std::string(name), channel);
  return channel;
}

bool
Storage::remove(std::string_view name)
{
  auto it = m_channels.find(name);
  if (it == m_channels.end())
    return false;
  auto channel = it->second;
  m_channels.erase(it);
  channel->remove_all();
  return true;
}

std::vector<std::string>
Storage::names() const
{
  std::vector<std::string> out;
  for (const auto& [name, channel] : m_channels)
    out.push_back(name);
  return out;
}

std::vector<std::shared_ptr<Channel>>
Storage::channels() const
{
  std::vector<std::shared_ptr<Channel>> out;
  for (const auto& [name, channel] : m_channels)
    out.push_back(channel);
  return out;
}

std::uint64_t
Storage::total_records() const
{
  std::uint64_t n = 0;
  for (const auto& [name, channel] : m_channels)
    n += channel->records();
  return n;
}

std::uint64_t
Storage::total_bytes() const
{
  std::uint64_t n = 0;
  for (const auto& [name, channel] : m_channels)
    n += channel->bytes();
  return n;
}

bool
Storage::fits(std::uint64_t extra) const
{
  return m_size_limit == 0 || total_bytes() + extra <= m_size_limit;
}

} // namespace shoal::dhtnode
