// The admin subcommands of the clients of nodes routed by hash range (dht, logfiles):
// channels, size, remove-channel, ranges, version and stats, each asking every node. Written
// once for both tools: their contexts differ only in the client they open.
#pragma once

#include "cli/check_name.hpp"
#include "cli/client_main.hpp"
#include "cli/node_requests.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace shoal::cli {

namespace range_admin {

// Context: a cli::ClientContext with open(bool handshake) and dht(), the client::Dht (or a
// subclass) it opened.
template <class Context>
int
run_checked(Context& ctx, const std::string& channel, bool handshake)
{
  if (!channel.empty())
    if (auto ok = check_name("channel", channel); !ok)
      return ctx.fail(ok.error());
  if (auto opened = ctx.open(handshake); !opened)
    return ctx.fail(opened.error());
  return -1; // go on
}

// "HOST:PORT<TAB>MIN:MAX<TAB>VERSION" per node (ranges) or "HOST:PORT<TAB>VERSION" (version),
// then fails if the nodes do not fit together.
template <class Context>
int
run_ranges(Context& ctx, bool with_range)
{
  if (int code = run_checked(ctx, {}, false); code >= 0)
    return code;
  for (std::size_t i = 0; i < ctx.dht().size(); ++i) {
    const auto& info = ctx.dht().info(i);
    std::string line = info.endpoint.str() + '\t';
    if (with_range)
      line += info.range.str() + '\t';
    ctx.out().write(line + info.version + '\n');
  }
  if (auto checked = ctx.dht().check(); !checked)
    return ctx.fail(checked.error());
  return ctx.finish();
}

} // namespace range_admin

// Adds the subcommands to app and list; ranges_help says what the ranges are of.
template <class Context>
void
add_range_admin_commands(CLI::App& app, Subcommands<Context>& list, const std::string& ranges_help)
{
  using namespace range_admin;
  auto* channels = app.add_subcommand("channels", "print the names of all channels");
  list.push_back({channels, [](Context& ctx) {
                    int code = run_checked(ctx, {}, true);
                    return code >= 0 ? code : show_channels(ctx, ctx.dht());
                  }});

  // One line per node, "HOST:PORT<TAB>RECORDS<TAB>BYTES", then "total<TAB>RECORDS<TAB>BYTES".
  auto size_channel = std::make_shared<std::string>();
  auto* size = app.add_subcommand("size", "print records and bytes per node and in total");
  size->add_option("CHANNEL", *size_channel, "only this channel (default: all)");
  list.push_back({size, [size_channel](Context& ctx) {
                    int code = run_checked(ctx, *size_channel, true);
                    return code >= 0 ? code : show_sizes(ctx, ctx.dht(), *size_channel);
                  }});

  auto removed = std::make_shared<std::string>();
  auto* remove = app.add_subcommand("remove-channel", "remove CHANNEL and its records everywhere");
  remove->add_option("CHANNEL", *removed, "the channel")->required();
  list.push_back({remove, [removed](Context& ctx) {
                    int code = run_checked(ctx, *removed, true);
                    return code >= 0 ? code : remove_channel(ctx, ctx.dht(), *removed);
                  }});

  auto* ranges = app.add_subcommand("ranges", ranges_help);
  list.push_back({ranges, [](Context& ctx) { return run_ranges(ctx, true); }});

  auto* version = app.add_subcommand("version", "print each node's API version");
  list.push_back({version, [](Context& ctx) { return run_ranges(ctx, false); }});

  // "HOST:PORT<TAB>key:value" for every stats line of every node.
  auto* stats = app.add_subcommand("stats", "print each node's stats lines");
  list.push_back({stats, [](Context& ctx) {
                    int code = run_checked(ctx, {}, false);
                    return code >= 0 ? code : show_stats(ctx, ctx.dht());
                  }});
}

} // namespace shoal::cli
