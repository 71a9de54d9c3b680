// The ods-rpc flag directory as ods-rpc itself reads it (specs/audius-ods.md §B.3): a flag
// file absent is false, empty is true, "<value>\n" is a string; anything else is an illegal
// value. Writes are atomic (a hidden file, given the change's time as mtime, put in place by
// an atomic exchange), so that ods-rpc never reads half a flag; with the redo log of persist.hpp
// a restart after a crash finds each flag as it was before or after the change.
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

// Sets dir/name to value (empty: true) with mtime mtime_ns, atomically: the spare is filled
// and exchanged with the flag, whose old inode becomes the next spare, so that a change
// neither creates nor deletes a file (on ext4 that is ~150 us a flag, with "discard" more).
// sync: the data and the directory are synced here; else the caller syncs the filesystem
// once for many (sync_filesystem, then the directory). One writer per directory at a time.
core::Status write_flag(const std::string& dir,
                        std::string_view name,
                        std::string_view value,
                        std::uint64_t mtime_ns,
                        bool sync = true);

// The hidden file of dir that write_flag fills and puts in place (not a flag: a dot file).
inline constexpr std::string_view spare_name = ".ods-rpc-sync.spare";

// Makes everything written in dir's filesystem durable at once (syncfs).
core::Status sync_filesystem(const std::string& dir);

// Clears dir/name (a missing file is not an error); durably once the directory is synced.
core::Status remove_flag(const std::string& dir, std::string_view name, bool sync_dir = true);

// Gives dir/name the mtime mtime_ns (a missing file is not an error).
core::Status set_flag_mtime(const std::string& dir, std::string_view name, std::uint64_t mtime_ns);

// The names of dir's files that are flags (sorted); temporary and other files are skipped.
core::Result<std::vector<std::string>> list_flags(const std::string& dir);

} // namespace shoal::odsrpcsync
