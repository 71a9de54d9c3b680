// CPU time of the load generator itself and of another process (the server), to tell which of
// the two a run saturated.
#pragma once

#include <sys/types.h>

#include <optional>

namespace shoal::bench {

// User + system CPU seconds this process has used so far (getrusage).
double self_cpu_seconds();

// CPU seconds all CPUs of the machine have been busy so far (everything but idle and iowait,
// from the first line of /proc/stat); nullopt if unreadable. Minus the client's and the server's
// share, what is left over a run went to other processes: a noisy measurement.
std::optional<double> machine_busy_seconds();

// User + system CPU seconds process pid has used so far (all its threads, from
// /proc/PID/stat); nullopt when the process is gone or the file unreadable.
std::optional<double> process_cpu_seconds(pid_t pid);

} // namespace shoal::bench
