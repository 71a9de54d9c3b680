// Channels: the loop thread's names of the channels and the small ids the writer knows them by.
// A removed channel's id is never used again, so that operations queued for the old channel
// and for a new one of the same name cannot mix.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::logfilesnode {

class Writer;

class Channels
{
public:
  // A channel found on disk at start-up.
  std::uint32_t add_existing(const std::string& name);
  // The channel's id, defining it with the writer first if it is new.
  std::uint32_t get_or_create(std::string_view name, Writer& writer);
  std::optional<std::uint32_t> find(std::string_view name) const;
  // Forgets the channel; its id, if it had one.
  std::optional<std::uint32_t> remove(std::string_view name);
  // The names, sorted.
  std::vector<std::string> names() const;
  // Every channel with its id.
  const std::map<std::string, std::uint32_t, std::less<>>& all() const { return m_ids; }

private:
  std::map<std::string, std::uint32_t, std::less<>> m_ids;
  std::uint32_t m_next = 1;
};

} // namespace shoal::logfilesnode
