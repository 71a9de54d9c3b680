// The checks every swarm node's requests share, each giving the status the original answers
// when it fails.
#pragma once

#include "proto/codes.hpp"

#include <cstdint>
#include <string_view>

namespace shoal::server {

// BadChannelName unless the name is valid.
proto::StatusCode check_channel(std::string_view channel);
// InvalidRequest unless key is 16 lowercase hex digits (then stored in out).
proto::StatusCode check_key(std::string_view key, std::uint64_t& out);
// check_channel, then check_key: the first checks of every single-record request.
proto::StatusCode
check_channel_key(std::string_view channel, std::string_view key, std::uint64_t& out);

} // namespace shoal::server
