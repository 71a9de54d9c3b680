// The ods-rpc flag directory as ods-rpc itself reads it (specs/audius-ods.md §B.3): a flag
// file absent is false, empty is true, "<value>\n" is a string; anything else is an illegal
// value. Writes are atomic (a hidden temporary file, fsynced, given the change's time as mtime,
// renamed, the directory fsynced), so that ods-rpc never reads half a flag and a restart after
// a crash finds each flag as it was before or after the change.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::odsrpcsync {

struct FlagFile {
  std::string value;          // "" for a flag that is simply true
  std::uint64_t mtime_ns = 0; // when it was last written

  bool operator==(const FlagFile&) const = default;
};

// The flag dir/name; nullopt when the file does not exist. Errc::bad_data for an illegal value.
core::Result<std::optional<FlagFile>> read_flag(const std::string& dir, std::string_view name);

// Sets dir/name to value (empty: true) with mtime mtime_ns, atomically; durably once the
// directory is synced (sync_dir: here; else the caller syncs it once for a batch).
core::Status write_flag(const std::string& dir,
                        std::string_view name,
                        std::string_view value,
                        std::uint64_t mtime_ns,
                        bool sync_dir = true);

// The steps of write_flag, for many flags at a time (one sync for all of them): stage_flag
// writes the hidden temporary file of dir/name with its mtime (synced when sync is set) and
// returns its path; sync_filesystem makes everything staged durable at once (syncfs);
// commit_flag renames a staged file into place.
core::Result<std::string> stage_flag(const std::string& dir,
                                     std::string_view name,
                                     std::string_view value,
                                     std::uint64_t mtime_ns,
                                     bool sync);
core::Status sync_filesystem(const std::string& dir);
core::Status commit_flag(const std::string& dir, const std::string& temp, std::string_view name);

// Clears dir/name (a missing file is not an error); durably once the directory is synced.
core::Status remove_flag(const std::string& dir, std::string_view name, bool sync_dir = true);

// Gives dir/name the mtime mtime_ns (a missing file is not an error).
core::Status set_flag_mtime(const std::string& dir, std::string_view name, std::uint64_t mtime_ns);

// The names of dir's files that are flags (sorted); temporary and other files are skipped.
core::Result<std::vector<std::string>> list_flags(const std::string& dir);

} // namespace shoal::odsrpcsync
