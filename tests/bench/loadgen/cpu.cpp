// getrusage for ourselves, /proc/PID/stat fields 14-15 (utime, stime in clock ticks) for the
// server.
#include "cpu.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace shoal::bench {

namespace {

double
seconds(const timeval& tv)
{
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

} // namespace

double
self_cpu_seconds()
{
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return seconds(ru.ru_utime) + seconds(ru.ru_stime);
}

std::optional<double>
machine_busy_seconds()
{
  std::ifstream file("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0; // guest time is already counted in user
  if (!(file >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      cpu != "cpu")
    return std::nullopt;
  auto busy = user + nice + system + irq + softirq + steal;
  return static_cast<double>(busy) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<double>
process_cpu_seconds(pid_t pid)
{
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::size_t paren = stat.rfind(')'); // the command name may hold spaces and parentheses
  if (paren == std::string::npos)
    return std::nullopt;
  std::istringstream fields(stat.substr(paren + 1));
  std::string skip;
  for (int field = 3; field < 14; ++field) // state (field 3) .. cmajflt (field 13)
    fields >> skip;
  unsigned long long utime = 0, stime = 0;
  if (!(fields >> utime >> stime))
    return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

} // namespace shoal::bench
