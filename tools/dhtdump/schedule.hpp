// When dhtdump dumps: the initial delay (random by default, so that the nodes of a host do not
// all dump at once), the wait after a cycle (the rest of the period, at least --min-wait) and the
// wait after a failed cycle (--retry-wait). Pure functions, no clock and no loop.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string_view>

namespace shoal::dhtdump {

// The delay before the first cycle: random in [0, period), or a fixed number of milliseconds.
struct InitialDelay {
  bool random = true;
  std::uint64_t fixed_ms = 0;
};

// Parses "random" or a duration ("0", "90s", "2h"); anything else is an Errc::config error.
core::Result<InitialDelay> parse_initial_delay(std::string_view text);

// The first cycle's delay: random_value % period_ms when random (0 for a zero period), else the
// fixed delay. random_value is any uniformly distributed 64-bit number.
std::uint64_t
initial_delay_ms(const InitialDelay& delay, std::uint64_t period_ms, std::uint64_t random_value);

// A wait before the next cycle; clamped tells that --min-wait lengthened it.
struct Wait {
  std::uint64_t ms = 0;
  bool clamped = false;
};

// The timing settings of the cycles.
struct Schedule {
  std::uint64_t period_ms = 6 * 3'600'000;
  std::uint64_t min_wait_ms = 60'000;
  std::uint64_t retry_wait_ms = 30'000;

  // The wait after a cycle that took cycle_ms: period minus the cycle's time but at least
  // min_wait after a success, retry_wait after a failure.
  Wait next(bool succeeded, std::uint64_t cycle_ms) const;
};

} // namespace shoal::dhtdump
