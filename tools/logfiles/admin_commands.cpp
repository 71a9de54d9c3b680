// logfiles channels, size, remove-channel, ranges, version and stats: questions for every node.
#include "context.hpp"
#include "log_records.hpp"

#include "cli/node_requests.hpp"

#include <memory>

namespace shoal::logfiles {

namespace {

int
run_channels(Context& ctx)
{
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  return cli::show_channels(ctx, ctx.logs());
}

// One line per node, "HOST:PORT<TAB>RECORDS<TAB>BYTES", then "total<TAB>RECORDS<TAB>BYTES".
int
run_size(Context& ctx, const std::string& channel)
{
  if (!channel.empty())
    if (auto ok = check_channel(channel); !ok)
      return ctx.fail(ok.error());
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  return cli::show_sizes(ctx, ctx.logs(), channel);
}

int
run_remove_channel(Context& ctx, const std::string& channel)
{
  if (auto ok = check_channel(channel); !ok)
    return ctx.fail(ok.error());
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  return cli::remove_channel(ctx, ctx.logs(), channel);
}

// "HOST:PORT<TAB>MIN:MAX<TAB>VERSION" per node (ranges) or "HOST:PORT<TAB>VERSION" (version),
// then fails if the nodes do not fit together.
int
run_ranges(Context& ctx, bool with_range)
{
  if (auto opened = ctx.open(false); !opened)
    return ctx.fail(opened.error());
  for (std::size_t i = 0; i < ctx.logs().size(); ++i) {
    const auto& info = ctx.logs().info(i);
    std::string line = info.endpoint.str() + '\t';
    if (with_range)
      line += info.range.str() + '\t';
    ctx.out().write(line + info.version + '\n');
  }
  if (auto checked = ctx.logs().check(); !checked)
    return ctx.fail(checked.error());
  return ctx.finish();
}

// "HOST:PORT<TAB>key:value" for every stats line of every node.
int
run_stats(Context& ctx)
{
  if (auto opened = ctx.open(false); !opened)
    return ctx.fail(opened.error());
  return cli::show_stats(ctx, ctx.logs());
}

} // namespace

void
add_admin_commands(CLI::App& app, Subcommands& list)
{
  auto* channels = app.add_subcommand("channels", "print the names of all channels");
  list.push_back({channels, [](Context& ctx) { return run_channels(ctx); }});

  auto size_channel = std::make_shared<std::string>();
  auto* size = app.add_subcommand("size", "print records and bytes per node and in total");
  size->add_option("CHANNEL", *size_channel, "only this channel (default: all)");
  list.push_back({size, [size_channel](Context& ctx) { return run_size(ctx, *size_channel); }});

  auto removed = std::make_shared<std::string>();
  auto* remove = app.add_subcommand("remove-channel", "remove CHANNEL and its records everywhere");
  remove->add_option("CHANNEL", *removed, "the channel")->required();
  list.push_back({remove, [removed](Context& ctx) { return run_remove_channel(ctx, *removed); }});

  auto* ranges = app.add_subcommand(
      "ranges", "print each node's range of bit-swapped timestamps and API version");
  list.push_back({ranges, [](Context& ctx) { return run_ranges(ctx, true); }});

  auto* version = app.add_subcommand("version", "print each node's API version");
  list.push_back({version, [](Context& ctx) { return run_ranges(ctx, false); }});

  auto* stats = app.add_subcommand("stats", "print each node's stats lines");
  list.push_back({stats, [](Context& ctx) { return run_stats(ctx); }});
}

} // namespace shoal::logfiles
