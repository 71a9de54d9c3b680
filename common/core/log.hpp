// Logging to stderr (journald keeps it): one line per message, with time and level.
#pragma once

#include <fmt/core.h>

#include <string_view>

namespace shoal::core {

enum class LogLevel { debug, info, warn, error };

// Sets the least severe level that is written; messages below it are dropped.
void set_log_level(LogLevel level);

// Parses "debug", "info", "warn" or "error"; returns false on anything else.
bool parse_log_level(std::string_view text, LogLevel& level);

// True if a message of this level would be written (to skip costly formatting).
bool log_enabled(LogLevel level);

// Writes one line "<time> <level> <message>" to stderr.
void log_write(LogLevel level, std::string_view message);

template <class... Args>
void
log(LogLevel level, fmt::format_string<Args...> format, Args&&... args)
{
  if (log_enabled(level))
    log_write(level, fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
void
log_debug(fmt::format_string<Args...> format, Args&&... args)
{
  log(LogLevel::debug, format, std::forward<Args>(args)...);
}

template <class... Args>
void
log_info(fmt::format_string<Args...> format, Args&&... args)
{
  log(LogLevel::info, format, std::forward<Args>(args)...);
}

template <class... Args>
void
log_warn(fmt::format_string<Args...> format, Args&&... args)
{
  log(LogLevel::warn, format, std::forward<Args>(args)...);
}

template <class... Args>
void
log_error(fmt::format_string<Args...> format, Args&&... args)
{
  log(LogLevel::error, format, std::forward<Args>(args)...);
}

} // namespace shoal::core
