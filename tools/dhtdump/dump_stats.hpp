// DumpStats: dhtdump's counters (specs/swarm.md §2, DumpStats.d): records and bytes written since
// the last stats line, the duration of the last complete cycle, and per channel what its last
// successful dump wrote.
#pragma once

#include "core/stats.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shoal::dhtdump {

class DumpStats
{
public:
  // Counts one record written to a dump file; bytes as TcmWriter::bytes() counts them.
  void record_written(std::uint64_t bytes)
  {
    ++m_records_written;
    m_bytes_written += bytes;
  }
  // Notes what the completed dump of channel wrote (replacing its previous figures).
  void channel_dumped(const std::string& channel, std::uint64_t records, std::uint64_t bytes);
  // Forgets one channel's figures (it was removed from the node).
  void forget(const std::string& channel);
  // Forgets the channels that are not in channels (removed from the node since the last cycle).
  void keep_only(const std::vector<std::string>& channels);
  // Counts a cycle: a success also becomes last_time_ms.
  void cycle_ended(bool succeeded, std::uint64_t ms);

  // The stats line's pairs; resets records_written and bytes_written.
  core::StatsList report();

  // The number of channels with figures.
  std::size_t channels() const { return m_channels.size(); }

private:
  struct ChannelFigures {
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
  };

  std::uint64_t m_records_written = 0;
  std::uint64_t m_bytes_written = 0;
  std::uint64_t m_last_time_ms = 0;
  std::uint64_t m_cycles = 0;
  std::uint64_t m_failed_cycles = 0;
  std::map<std::string, ChannelFigures, std::less<>> m_channels;
};

} // namespace shoal::dhtdump
