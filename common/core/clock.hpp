// Clocks: monotonic milliseconds for durations and timeouts, wall seconds for timestamps.
#pragma once

#include <chrono>
#include <cstdint>

namespace shoal::core {

// Milliseconds on the monotonic clock (for measuring durations; not wall time).
inline std::uint64_t
now_ms()
{
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

// Seconds since the Unix epoch (wall clock).
inline std::uint64_t
unix_seconds()
{
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<seconds>(system_clock::now().time_since_epoch()).count());
}

// Nanoseconds since the Unix epoch (wall clock): the time of an event other machines compare.
inline std::uint64_t
unix_ns()
{
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count());
}

} // namespace shoal::core
