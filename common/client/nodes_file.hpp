// The nodes file of DHT clients (specs/swarm.md §1.5): one HOST:PORT per line; '#' starts a
// comment; blank lines are ignored.
#pragma once

#include "core/result.hpp"
#include "net/endpoint.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace shoal::client {

// Parses the text of a nodes file; errors (Errc::config) name the line. Duplicates are errors.
core::Result<std::vector<net::Endpoint>> parse_nodes(std::string_view text);

// Reads and parses a nodes file; a missing file is Errc::not_found, a read error Errc::io, and
// syntax errors are prefixed by the path.
core::Result<std::vector<net::Endpoint>> load_nodes_file(const std::string& path);

// Appends to list the nodes of extra that it does not hold yet, in order.
void merge_nodes(std::vector<net::Endpoint>& list, const std::vector<net::Endpoint>& extra);

} // namespace shoal::client
