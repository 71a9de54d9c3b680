// The tables node clients (dht, queue) print about their nodes: a line per node (or per line
// of a node's answer), led by the node's HOST:PORT and a tab.
#pragma once

#include "cli/output.hpp"
#include "client/answers.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace shoal::cli {

// "HOST:PORT" of each node of a client (Dht, Queue), in the client's order.
template <class Client>
std::vector<std::string>
node_names(Client& client)
{
  std::vector<std::string> names;
  for (std::size_t i = 0; i < client.size(); ++i)
    names.push_back(client.node(i).endpoint().str());
  return names;
}

// Each line followed by a newline (channel names).
void print_lines(Output& out, const std::vector<std::string>& lines);

// "NODE<TAB>RECORDS<TAB>BYTES" per node, then "total<TAB>RECORDS<TAB>BYTES".
void print_sizes(Output& out,
                 const std::vector<std::string>& nodes,
                 const std::vector<client::NodeSize>& sizes);

// "NODE<TAB>LINE" for every line of every node (stats).
void print_node_lines(Output& out,
                      const std::vector<std::string>& nodes,
                      const std::vector<std::vector<std::string>>& lines);

} // namespace shoal::cli
