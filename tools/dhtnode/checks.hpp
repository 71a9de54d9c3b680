// The DHT's own request checks (the range, value sizes), each giving the status the original
// answers when it fails; channel and key checks are server::'s.
#pragma once

#include "server/request_checks.hpp"

#include "proto/codes.hpp"

#include <cstdint>
#include <string_view>

namespace shoal::dhtnode {

class Session;

using server::check_channel;
using server::check_channel_key;
using server::check_key;

// WrongNode unless the node is responsible for key (bit-reversed range test).
proto::StatusCode check_range(Session& session, std::uint64_t key);
// ValueTooBig or EmptyValue unless the value can be stored.
proto::StatusCode check_value(Session& session, std::string_view value);

} // namespace shoal::dhtnode
