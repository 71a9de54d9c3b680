// The names of ods-rpc's flag files, "<zone>.<flag>" (specs/audius-ods.md §B.3): what a node
// accepts from the wire and from its directory, so that no update can name a path outside the
// flag directory or a file ods-rpc would not read.
#pragma once

#include <string_view>

namespace shoal::odsrpcsync {

// Longest name accepted: a DNS name (253) plus a dot and a flag.
inline constexpr std::size_t max_flag_name = 300;

// True for "<zone>.<flag>": the flag a lowercase word after the last dot, the zone two or more
// labels as ods-rpc normalises them (lowercase letters and digits, single inner hyphens, 1-63
// each). No '/', no empty label, no leading dot (hidden and temporary files), no README.md,
// nothing over max_flag_name.
bool valid_flag_name(std::string_view name);

} // namespace shoal::odsrpcsync
