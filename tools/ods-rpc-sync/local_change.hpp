// The rule that turns what a node finds in its flag directory into its own updates: a flag file
// that differs from the last version the node knows (value, presence, or mtime) is a change made
// here. Applied remote updates leave the file exactly as their version says (value, and the
// origin's time as mtime), so they are never mistaken for local changes: nothing echoes.
#pragma once

#include "flag_dir.hpp"
#include "state_db.hpp"
#include "update.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace shoal::odsrpcsync {

// The update a local change of name amounts to, or nullopt when the file is as known. A SET
// takes the file's mtime as its time, a CLEAR now_ns; either is raised to one nanosecond past
// the known version when it is not newer (a clock behind the version's origin, or two writes in
// one clock tick), so that the change wins, as the operator meant it to.
std::optional<Update> local_change(std::string_view self,
                                   std::string_view name,
                                   const std::optional<FlagFile>& file,
                                   const FlagVersion* known,
                                   std::uint64_t now_ns);

} // namespace shoal::odsrpcsync
