// Stats: named counters a daemon reports as `key:value` pairs, in its stats log and on request.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::core {

// An ordered list of key:value pairs; keys use `category/instance/name` for per-object stats.
class StatsList
{
public:
  // Appends key:value (integers and text; text must not contain spaces or newlines).
  void add(std::string key, std::uint64_t value);
  void add(std::string key, std::string value);
  // Appends every pair of another list.
  void append(const StatsList& other);

  const std::vector<std::pair<std::string, std::string>>& entries() const { return m_entries; }
  // One line of space-separated key:value pairs, without a newline.
  std::string line() const;
  // One key:value pair per line, each ended by a newline.
  std::string lines() const;

private:
  std::vector<std::pair<std::string, std::string>> m_entries;
};

// An append-only stats log; each write is one timestamped line. Path "-" means stderr.
class StatsLog
{
public:
  StatsLog() = default;
  StatsLog(const StatsLog&) = delete;
  StatsLog& operator=(const StatsLog&) = delete;
  ~StatsLog();

  // Opens (creates) the log for appending; an empty path disables the log.
  Status open(const std::string& path);
  // Appends "<UTC time> <pairs>\n" and flushes; does nothing when disabled.
  void write(const StatsList& stats);

private:
  std::FILE* m_file = nullptr;
  bool m_owned = false;
};

} // namespace shoal::core
