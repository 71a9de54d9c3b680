// DumpStats: counting and the stats line.
#include "dump_stats.hpp"

#include <algorithm>

namespace shoal::dhtdump {

void
DumpStats::channel_dumped(const std::string& channel, std::uint64_t records, std::uint64_t bytes)
{
  m_channels[channel] = ChannelFigures{records, bytes};
}

void
DumpStats::forget(const std::string& channel)
{
  m_channels.erase(channel);
}

void
DumpStats::keep_only(const std::vector<std::string>& channels)
{
  std::erase_if(m_channels, [&](const auto& entry) {
    return std::find(channels.begin(), channels.end(), entry.first) == channels.end();
  });
}

void
DumpStats::cycle_ended(bool succeeded, std::uint64_t ms)
{
  if (!succeeded) {
    ++m_failed_cycles;
    return;
  }
  ++m_cycles;
  m_last_time_ms = ms;
}

core::StatsList
DumpStats::report()
{
  core::StatsList s;
  s.add("records_written", m_records_written);
  s.add("bytes_written", m_bytes_written);
  s.add("last_time_ms", m_last_time_ms);
  s.add("cycles", m_cycles);
  s.add("failed_cycles", m_failed_cycles);
  for (const auto& [name, figures] : m_channels) {
    s.add("channel/" + name + "/records_written", figures.records);
    s.add("channel/" + name + "/bytes_written", figures.bytes);
  }
  m_records_written = 0;
  m_bytes_written = 0;
  return s;
}

} // namespace shoal::dhtdump
