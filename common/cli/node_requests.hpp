// The subcommands dht and queue share once their client is open (channels, size,
// remove-channel, stats): the request to every node, its table and the exit status.
#pragma once

#include "cli/client_context.hpp"
#include "cli/node_tables.hpp"
#include "client/node_set.hpp"

#include <string>
#include <vector>

namespace shoal::cli {

// The names of all channels, one a line.
template <class Node>
int
show_channels(ClientContext& ctx, client::NodeSet<Node>& nodes)
{
  auto names = ctx.wait<std::vector<std::string>>([&](auto cb) { nodes.get_channels(cb); });
  if (!names)
    return ctx.fail(names.error());
  print_lines(ctx.out(), *names);
  return ctx.finish();
}

// The size table (print_sizes) of channel, or of all channels when it is empty.
template <class Node>
int
show_sizes(ClientContext& ctx, client::NodeSet<Node>& nodes, const std::string& channel)
{
  auto sizes =
      ctx.wait<std::vector<client::NodeSize>>([&](auto cb) { nodes.get_sizes(channel, cb); });
  if (!sizes)
    return ctx.fail(sizes.error());
  print_sizes(ctx.out(), node_names(nodes), *sizes);
  return ctx.finish();
}

// Removes channel from every node.
template <class Node>
int
remove_channel(ClientContext& ctx, client::NodeSet<Node>& nodes, const std::string& channel)
{
  auto removed = ctx.wait<void>([&](auto cb) { nodes.remove_channel(channel, cb); });
  return removed ? ctx.finish() : ctx.fail(removed.error());
}

// Every node's stats lines (print_node_lines).
template <class Node>
int
show_stats(ClientContext& ctx, client::NodeSet<Node>& nodes)
{
  using Lines = std::vector<std::string>;
  auto stats = ctx.wait<std::vector<Lines>>([&](auto cb) { nodes.get_stats(cb); });
  if (!stats)
    return ctx.fail(stats.error());
  print_node_lines(ctx.out(), node_names(nodes), *stats);
  return ctx.finish();
}

} // namespace shoal::cli
