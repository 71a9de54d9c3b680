// logfiles-check's option table: the paths to check and how to check, repair and report.
#pragma once

#include "cfg/common.hpp"

#include <string>
#include <vector>

namespace shoal::logfiles_check {

struct Options {
  cfg::CommonOptions common;
  std::vector<std::string> paths; // channel directories, bucket files, or data dirs (--all)
  bool all = false;               // the paths are data directories: check every channel
  bool gz = false;                // check "*.gz" buckets too (never repaired)
  bool fix = false;               // repair damaged files
  bool dry_run = false;           // with --fix: say what would be repaired, change nothing
  bool json = false;              // JSON lines instead of text
  bool quiet = false;             // damaged files and the final summary only
  bool verbose = false;           // a line per file
  bool size = false;              // the size figures only (records, value bytes, files)
  bool progress = false;          // set by main: stderr is a terminal and not quiet/json
};

// Declares every option on app (the option table), bound to opts.
void add_options(CLI::App& app, Options& opts);

} // namespace shoal::logfiles_check
