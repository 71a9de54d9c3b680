// dhtdump's timing rules (specs/swarm.md §2, DumpCycle.d).
#include "schedule.hpp"

#include "cfg/options.hpp"

namespace shoal::dhtdump {

core::Result<InitialDelay>
parse_initial_delay(std::string_view text)
{
  if (text == "random")
    return InitialDelay{};
  auto ms = cfg::parse_duration_ms(text);
  if (!ms)
    return core::make_error(core::Errc::config,
                            "--initial-delay: expected random or a duration, got '" +
                                std::string(text) + "'");
  return InitialDelay{false, *ms};
}

std::uint64_t
initial_delay_ms(const InitialDelay& delay, std::uint64_t period_ms, std::uint64_t random_value)
{
  if (!delay.random)
    return delay.fixed_ms;
  return period_ms == 0 ? 0 : random_value % period_ms;
}

Wait
Schedule::next(bool succeeded, std::uint64_t cycle_ms) const
{
  if (!succeeded)
    return Wait{retry_wait_ms, false};
  std::uint64_t rest = cycle_ms < period_ms ? period_ms - cycle_ms : 0;
  if (rest < min_wait_ms)
    return Wait{min_wait_ms, true};
  return Wait{rest, false};
}

} // namespace shoal::dhtdump
