// dht channels, size, remove-channel, ranges and stats: questions for every node.
#include "context.hpp"
#include "records.hpp"

#include "cli/node_tables.hpp"

#include <memory>

namespace shoal::dht {

namespace {

int
run_channels(Context& ctx)
{
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  auto names = ctx.wait<std::vector<std::string>>([&](auto cb) { ctx.dht().get_channels(cb); });
  if (!names)
    return ctx.fail(names.error());
  cli::print_lines(ctx.out(), *names);
  return ctx.finish();
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
  auto sizes =
      ctx.wait<std::vector<client::NodeSize>>([&](auto cb) { ctx.dht().get_sizes(channel, cb); });
  if (!sizes)
    return ctx.fail(sizes.error());
  cli::print_sizes(ctx.out(), cli::node_names(ctx.dht()), *sizes);
  return ctx.finish();
}

int
run_remove_channel(Context& ctx, const std::string& channel)
{
  if (auto ok = check_channel(channel); !ok)
    return ctx.fail(ok.error());
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  auto removed = ctx.wait<void>([&](auto cb) { ctx.dht().remove_channel(channel, cb); });
  return removed ? ctx.finish() : ctx.fail(removed.error());
}

// "HOST:PORT<TAB>MIN:MAX<TAB>VERSION" per node, then fails if the nodes do not fit together.
int
run_ranges(Context& ctx)
{
  if (auto opened = ctx.open(false); !opened)
    return ctx.fail(opened.error());
  for (std::size_t i = 0; i < ctx.dht().size(); ++i) {
    const auto& info = ctx.dht().info(i);
    ctx.out().write(info.endpoint.str() + '\t' + info.range.str() + '\t' + info.version + '\n');
  }
  if (auto checked = ctx.dht().check(); !checked)
    return ctx.fail(checked.error());
  return ctx.finish();
}

// "HOST:PORT<TAB>key:value" for every stats line of every node.
int
run_stats(Context& ctx)
{
  if (auto opened = ctx.open(false); !opened)
    return ctx.fail(opened.error());
  using Lines = std::vector<std::string>;
  auto stats = ctx.wait<std::vector<Lines>>([&](auto cb) { ctx.dht().get_stats(cb); });
  if (!stats)
    return ctx.fail(stats.error());
  cli::print_node_lines(ctx.out(), cli::node_names(ctx.dht()), *stats);
  return ctx.finish();
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

  auto* ranges = app.add_subcommand("ranges", "print each node's hash range and API version");
  list.push_back({ranges, [](Context& ctx) { return run_ranges(ctx); }});

  auto* stats = app.add_subcommand("stats", "print each node's stats lines");
  list.push_back({stats, [](Context& ctx) { return run_stats(ctx); }});
}

} // namespace shoal::dht
