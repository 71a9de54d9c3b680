// The whole run: check every file of every channel, repair with --fix, report, and pick the
// exit status (man logfiles-check(8), EXIT STATUS).
#pragma once

#include "options.hpp"
#include "report.hpp"
#include "walk.hpp"

#include <cstdio>
#include <vector>

namespace shoal::logfiles_check {

// Exit statuses besides the <sysexits.h> ones (64 usage, 66 no input, 74 I/O).
inline constexpr int exit_clean = 0;    // no damage
inline constexpr int exit_damage = 1;   // damage found and not (all) repaired
inline constexpr int exit_repaired = 2; // --fix repaired every damaged file

// The status of a run with these totals: 74 if a file could not be read or repaired, else 1
// if damage (or a file of an unsupported version) is left, else 2 if files were repaired,
// else 0.
int exit_status(const Totals& totals);

// Checks (and with opts.fix repairs) the files of channels, printing through report and
// warnings to err; returns the exit status.
int check_channels(const std::vector<Channel>& channels,
                   const Options& opts,
                   Report& report,
                   std::FILE* err);

} // namespace shoal::logfiles_check
