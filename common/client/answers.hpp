// The values that nodes answer single requests with, and their decoders from an Ok
// proto::Response (views into the input become owned values), shared by every node client.
#pragma once

#include "proto/response.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shoal::client {

// A node's answer to GetSize and GetChannelSize (the address and port as the node reports them).
struct NodeSize {
  std::string address;
  std::uint16_t port = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
};

// The value, or nullopt for the legacy protocol's "none" (an empty array).
std::optional<std::string> decode_value(const proto::Response& r);
// The value as it is (GetVersion).
std::string decode_version(const proto::Response& r);
// The channel names.
std::vector<std::string> decode_channels(const proto::Response& r);
// The address, port, records and bytes.
NodeSize decode_size(const proto::Response& r);
// The connection count.
std::uint64_t decode_connections(const proto::Response& r);
// The size limit (the queue's GetSizeLimit).
std::uint64_t decode_limit(const proto::Response& r);
// The non-empty lines of the GetStats text.
std::vector<std::string> decode_stats(const proto::Response& r);

} // namespace shoal::client
