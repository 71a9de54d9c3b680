// Storage: the node's channels by name, the global size limit, and the totals the protocol
// reports (GetSize, GetChannelSize, stats).
#pragma once

#include "channel.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::dhtnode {

class Storage
{
public:
  // size_limit: bytes of records (keys + values) over all channels; 0 = no limit.
  explicit Storage(std::uint64_t size_limit) : m_size_limit(size_limit) {}

  // The channel of that name, or nullptr. Channels are shared so that an iteration in
  // progress keeps a removed channel alive until it notices.
  std::shared_ptr<Channel> find(std::string_view name) const;
  // The channel of that name, created empty if missing (channels appear on first write).
  std::shared_ptr<Channel> get_or_create(std::string_view name);
  // Removes the channel: frees its records and tells its watchers. False if it did not exist.
  bool remove(std::string_view name);
  // Channel names in lexical order.
  std::vector<std::string> names() const;
  // Every channel, in name order.
  std::vector<std::shared_ptr<Channel>> channels() const;

  std::uint64_t total_records() const;
  std::uint64_t total_bytes() const;
  // True if extra more bytes fit under the size limit.
  bool fits(std::uint64_t extra) const;
  std::uint64_t size_limit() const { return m_size_limit; }

private:
  std::map<std::string, std::shared_ptr<Channel>, std::less<>> m_channels;
  std::uint64_t m_size_limit;
};

} // namespace shoal::dhtnode
