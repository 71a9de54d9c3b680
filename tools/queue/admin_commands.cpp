// queue channels, size, size-limit, remove-channel, stats and version: questions for every
// node, answered one line per node (HOST:PORT<TAB>...) where the nodes' answers differ.
#include "context.hpp"
#include "records.hpp"

#include "cli/node_requests.hpp"

#include <memory>

namespace shoal::queue {

namespace {

int
run_channels(Context& ctx)
{
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  return cli::show_channels(ctx, ctx.queue());
}

// One line per node, "HOST:PORT<TAB>RECORDS<TAB>BYTES", then "total<TAB>RECORDS<TAB>BYTES".
int
run_size(Context& ctx, const std::string& channel)
{
  if (!channel.empty())
    if (auto ok = check_channel(channel); !ok)
      return ctx.fail(ok.error());
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  return cli::show_sizes(ctx, ctx.queue(), channel);
}

// "HOST:PORT<TAB>VALUE" per node, for answers of one value per node.
template <class T>
int
per_node(Context& ctx,
         const std::function<void(client::Queue&, client::Callback<std::vector<T>>)>& ask)
{
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  auto values = ctx.wait<std::vector<T>>([&](auto cb) { ask(ctx.queue(), cb); });
  if (!values)
    return ctx.fail(values.error());
  for (std::size_t i = 0; i < values->size(); ++i) {
    std::string text;
    if constexpr (std::is_same_v<T, std::string>)
      text = (*values)[i];
    else
      text = std::to_string((*values)[i]);
    ctx.out().write(ctx.queue().node(i).endpoint().str() + '\t' + text + '\n');
  }
  return ctx.finish();
}

int
run_remove_channel(Context& ctx, const std::string& channel)
{
  if (auto ok = check_channel(channel); !ok)
    return ctx.fail(ok.error());
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  return cli::remove_channel(ctx, ctx.queue(), channel);
}

// "HOST:PORT<TAB>key:value" for every stats line of every node.
int
run_stats(Context& ctx)
{
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  return cli::show_stats(ctx, ctx.queue());
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

  auto* limit = app.add_subcommand("size-limit", "print each node's size limit per channel");
  list.push_back({limit, [](Context& ctx) {
                    return per_node<std::uint64_t>(
                        ctx, [](client::Queue& q, auto cb) { q.get_size_limits(cb); });
                  }});

  auto removed = std::make_shared<std::string>();
  auto* remove = app.add_subcommand(
      "remove-channel", "remove CHANNEL and its records everywhere (ending its consumers)");
  remove->add_option("CHANNEL", *removed, "the channel")->required();
  list.push_back({remove, [removed](Context& ctx) { return run_remove_channel(ctx, *removed); }});

  auto* stats = app.add_subcommand("stats", "print each node's stats lines");
  list.push_back({stats, [](Context& ctx) { return run_stats(ctx); }});

  auto* version = app.add_subcommand("version", "print each node's API version");
  list.push_back({version, [](Context& ctx) {
                    return per_node<std::string>(
                        ctx, [](client::Queue& q, auto cb) { q.get_versions(cb); });
                  }});
}

} // namespace shoal::queue
