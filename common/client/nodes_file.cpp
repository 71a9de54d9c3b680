// Nodes file parsing.
#include "client/nodes_file.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace shoal::client {

namespace {
std::string_view
trim(std::string_view s)
{
  const char* space = " \t\r";
  std::size_t begin = s.find_first_not_of(space);
  if (begin == std::string_view::npos)
    return {};
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}
} // namespace

core::Result<std::vector<net::Endpoint>>
parse_nodes(std::string_view text)
{
  std::vector<net::Endpoint> nodes;
  for (std::size_t number = 1; !text.empty(); ++number) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    line = trim(line.substr(0, line.find('#')));
    if (line.empty())
      continue;
    auto node = net::parse_endpoint(line);
    auto where = "line " + std::to_string(number) + ": ";
    if (!node)
      return core::make_error(core::Errc::config, where + node.error().message);
    if (node->port == 0)
      return core::make_error(core::Errc::config, where + "port 0 in '" + std::string(line) + "'");
    if (std::find(nodes.begin(), nodes.end(), *node) != nodes.end())
      return core::make_error(core::Errc::config, where + "duplicate node " + node->str());
    nodes.push_back(*node);
  }
  return nodes;
}

core::Result<std::vector<net::Endpoint>>
load_nodes_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    auto error = core::sys_error("cannot open nodes file " + path, err);
    if (err == ENOENT)
      error.code = core::Errc::not_found;
    return error;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return core::make_error(core::Errc::io, "cannot read nodes file " + path);
  auto nodes = parse_nodes(text.str());
  if (!nodes)
    return core::make_error(nodes.error().code, path + ": " + nodes.error().message);
  return nodes;
}

void
merge_nodes(std::vector<net::Endpoint>& list, const std::vector<net::Endpoint>& extra)
{
  for (const auto& node : extra)
    if (std::find(list.begin(), list.end(), node) == list.end())
      list.push_back(node);
}

} // namespace shoal::client
