// The operand check of channel (and subscriber) names that every client CLI makes before it
// sends anything, so that a typo is a usage error and not a node's BadChannelName.
#pragma once

#include "core/result.hpp"

#include <string_view>

namespace shoal::cli {

// Errc::usage naming what ("channel", "subscriber") unless name is a valid channel name.
core::Status check_name(std::string_view what, std::string_view name);

} // namespace shoal::cli
