// Stats formatting and the periodic stats log file.
#include "core/stats.hpp"

#include <cerrno>
#include <ctime>

namespace shoal::core {

void
StatsList::add(std::string key, std::uint64_t value)
{
  m_entries.emplace_back(std::move(key), std::to_string(value));
}

void
StatsList::add(std::string key, std::string value)
{
  m_entries.emplace_back(std::move(key), std::move(value));
}

void
StatsList::append(const StatsList& other)
{
  m_entries.insert(m_entries.end(), other.m_entries.begin(), other.m_entries.end());
}

std::string
StatsList::line() const
{
  std::string out;
  for (const auto& [k, v] : m_entries) {
    if (!out.empty())
      out += ' ';
    out += k;
    out += ':';
    out += v;
  }
  return out;
}

std::string
StatsList::lines() const
{
  std::string out;
  for (const auto& [k, v] : m_entries) {
    out += k;
    out += ':';
    out += v;
    out += '\n';
  }
  return out;
}

StatsLog::~StatsLog()
{
  if (m_file && m_owned)
    std::fclose(m_file);
}

Status
StatsLog::open(const std::string& path)
{
  if (path.empty())
    return {};
  if (path == "-") {
    m_file = stderr;
    return {};
  }
  m_file = std::fopen(path.c_str(), "a");
  if (!m_file)
    return sys_error("cannot open stats log " + path, errno);
  m_owned = true;
  return {};
}

void
StatsLog::write(const StatsList& stats)
{
  if (!m_file)
    return;
  std::time_t now = std::time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::fprintf(m_file, "%s %s\n", stamp, stats.line().c_str());
  std::fflush(m_file);
}

} // namespace shoal::core
