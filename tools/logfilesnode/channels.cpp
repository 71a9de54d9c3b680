// Channels: a sorted map from name to id.
#include "channels.hpp"

#include "writer.hpp"

namespace shoal::logfilesnode {

std::uint32_t
Channels::add_existing(const std::string& name)
{
  auto id = m_next++;
  m_ids[name] = id;
  return id;
}

std::uint32_t
Channels::get_or_create(std::string_view name, Writer& writer)
{
  if (auto it = m_ids.find(name); it != m_ids.end())
    return it->second;
  auto id = m_next++;
  m_ids.emplace(std::string(name), id);
  writer.define_channel(id, name);
  return id;
}

std::optional<std::uint32_t>
Channels::find(std::string_view name) const
{
  auto it = m_ids.find(name);
  return it == m_ids.end() ? std::nullopt : std::optional<std::uint32_t>(it->second);
}

std::optional<std::uint32_t>
Channels::remove(std::string_view name)
{
  auto it = m_ids.find(name);
  if (it == m_ids.end())
    return std::nullopt;
  auto id = it->second;
  m_ids.erase(it);
  return id;
}

std::vector<std::string>
Channels::names() const
{
  std::vector<std::string> out;
  for (const auto& [name, id] : m_ids)
    out.push_back(name);
  return out;
}

} // namespace shoal::logfilesnode
