// The answers every swarm node (DHT, queue, log) gives alike to its informational requests,
// built once: the node address head of size and connection answers, channel lists, GetVersion
// and GetStats.
#pragma once

#include "net/endpoint.hpp"
#include "proto/response.hpp"

#include <string>
#include <vector>

namespace shoal::server {

// Ok with the node's address and port (views into endpoint): the head of GetSize,
// GetChannelSize, GetNumConnections (and the queue's GetSizeLimit) answers.
proto::Response node_response(const net::Endpoint& endpoint);

// Ok with the channel names (views into names).
proto::Response channels_response(const std::vector<std::string>& names);

// Ok with the API version every swarm node reports.
proto::Response version_response();

// Ok with the stats lines (a view into lines).
proto::Response stats_response(const std::string& lines);

} // namespace shoal::server
