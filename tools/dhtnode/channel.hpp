// A channel: one named record table plus the Listen requests watching it.
#pragma once

#include "record_table.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::dhtnode {

// Told about every change of a channel (a Listen request).
class ChannelWatcher
{
public:
  virtual ~ChannelWatcher() = default;
  // key was written or removed (the watcher reads the current value later).
  virtual void on_change(std::uint64_t key) = 0;
  // The channel was removed; the watcher must detach (remove_watcher) before returning.
  virtual void on_removed() = 0;
};

class Channel
{
public:
  explicit Channel(std::string name) : m_name(std::move(name)) {}
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  const std::string& name() const { return m_name; }
  RecordTable& table() { return m_table; }
  const RecordTable& table() const { return m_table; }

  std::size_t records() const { return m_table.size(); }
  // The channel's size as the protocol reports it: values plus 8 bytes of key per record.
  std::uint64_t bytes() const { return m_table.value_bytes() + 8 * m_table.size(); }
  // True once the channel was removed; iterations still holding it must stop.
  bool removed() const { return m_removed; }

  // Stores value under key and tells the watchers.
  void put(std::uint64_t key, std::string_view value);
  // Removes key; tells the watchers if it existed.
  bool remove(std::uint64_t key);
  // Frees every record, tells the watchers, and marks the channel removed.
  void remove_all();

  void add_watcher(ChannelWatcher* watcher);
  void remove_watcher(ChannelWatcher* watcher);

private:
  void notify(std::uint64_t key);

  std::string m_name;
  RecordTable m_table;
  std::vector<ChannelWatcher*> m_watchers;
  bool m_removed = false;
};

} // namespace shoal::dhtnode
