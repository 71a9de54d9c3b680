// Logging implementation: a level filter and a single stderr writer.
#include "core/log.hpp"

#include <sys/time.h>

#include <cstdio>
#include <ctime>

namespace shoal::core {

namespace {
LogLevel g_level = LogLevel::info;

const char*
level_name(LogLevel level)
{
  switch (level) {
  case LogLevel::debug: return "debug";
  case LogLevel::info: return "info";
  case LogLevel::warn: return "warn";
  case LogLevel::error: return "error";
  }
  return "?";
}
} // namespace

void
set_log_level(LogLevel level)
{
  g_level = level;
}

bool
parse_log_level(std::string_view text, LogLevel& level)
{
  for (auto l : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error}) {
    if (text == level_name(l)) {
      level = l;
      return true;
    }
  }
  return false;
}

bool
log_enabled(LogLevel level)
{
  return level >= g_level;
}

void
log_write(LogLevel level, std::string_view message)
{
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm utc{};
  gmtime_r(&tv.tv_sec, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  // One fprintf per line so that concurrent writers (threads) do not interleave within a line.
  std::fprintf(stderr, "%s.%03ldZ %s %.*s\n", stamp, static_cast<long>(tv.tv_usec / 1000),
               level_name(level), static_cast<int>(message.size()), message.data());
}

} // namespace shoal::core
