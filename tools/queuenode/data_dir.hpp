// The files of a queue node's data directory: their names, and the start-up scan that sorts
// them into rings, overflow files, checkpoints, journals and leftovers of interrupted writes.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace shoal::queuenode {

// "<dir>/<queue>.rq": a ring saved at shutdown (non-durable mode).
std::string ring_path(const std::string& dir, const std::string& queue);

// "<dir>/<queue>.<file id as 16 hex digits>.ovf": a queue's overflow file.
std::string overflow_path(const std::string& dir, const std::string& queue, std::uint64_t id);

// "<dir>/checkpoint.<generation as 16 hex digits>" (durable mode).
std::string checkpoint_path(const std::string& dir, std::uint64_t generation);

// "<dir>/journal.<generation as 16 hex digits>" (durable mode).
std::string journal_path(const std::string& dir, std::uint64_t generation);

// An overflow file found by the scan.
struct FoundOverflow {
  std::string path;
  std::uint64_t file_id = 0;
};

// What the scan found. Queue names are full names ("<subscriber>@<channel>" or "<channel>";
// a file "@<channel>.rq" of the later DMQ counts as "<channel>").
struct DirListing {
  std::map<std::string, std::string> rings;                    // queue → .rq path
  std::map<std::string, std::vector<FoundOverflow>> overflows; // queue → its .ovf files
  std::map<std::uint64_t, std::string> checkpoints;            // generation → path
  std::map<std::uint64_t, std::string> journals;               // generation → path
  std::vector<std::string> temporaries; // "*.tmp": leftovers of interrupted atomic writes
};

// Lists dir (which must exist). Files that belong to none of the kinds above are left out.
core::Result<DirListing> scan_data_dir(const std::string& dir);

} // namespace shoal::queuenode
