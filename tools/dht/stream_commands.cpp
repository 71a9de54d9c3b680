// dht get-all, export, get-all-keys, get-all-filter and listen: streams from every node,
// merged, written to standard output as record lines.
#include "context.hpp"
#include "records.hpp"

#include <csignal>
#include <memory>

namespace shoal::dht {

namespace {

enum class Kind { all, keys, filter };

// Streams one GetAll* from every node to standard output.
int
run_get_all(Context& ctx, Kind kind, const std::string& channel, const std::string& filter)
{
  if (auto ok = check_channel(channel); !ok)
    return ctx.fail(ok.error());
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  client::Dht& dht = ctx.dht();
  cli::Output& out = ctx.out();
  client::StreamId id = 0;
  client::Callback<void> finish;
  auto on_record = [&](std::uint64_t key, std::string_view value) {
    if (kind == Kind::keys)
      append_key(out.buffer(), key);
    else
      append_record(out.buffer(), key, value);
    out.written();
    if (out.failed()) { // nobody reads our output any more
      dht.cancel(id);
      finish({});
    }
  };
  auto done = ctx.wait<void>([&](client::Callback<void> cb) {
    finish = once(std::move(cb));
    switch (kind) {
    case Kind::all: id = dht.get_all(channel, on_record, finish); break;
    case Kind::keys: id = dht.get_all_keys(channel, on_record, finish); break;
    case Kind::filter: id = dht.get_all_filter(channel, filter, on_record, finish); break;
    }
  });
  if (out.failed() || done)
    return ctx.finish(); // reports the write error, if any
  return ctx.fail(done.error());
}

// Listens on every node until the channel is removed or a signal asks to stop.
int
run_listen(Context& ctx, const std::string& channel)
{
  if (auto ok = check_channel(channel); !ok)
    return ctx.fail(ok.error());
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  client::Dht& dht = ctx.dht();
  cli::Output& out = ctx.out();
  net::Timer flush(ctx.loop()); // one write per burst of updates, soon after it
  client::StreamId id = 0;
  client::Callback<void> finish;
  auto on_update = [&](std::uint64_t key, std::optional<std::string_view> value) {
    if (value)
      append_record(out.buffer(), key, *value);
    else
      append_removal(out.buffer(), key);
    if (!flush.active())
      flush.start(0, 0, [&] {
        if (!out.flush()) { // the reader went away: stop listening
          dht.cancel(id);
          finish({});
        }
      });
  };
  auto stop = [&] {
    dht.cancel(id);
    if (finish)
      finish({}); // a requested stop is a success
  };
  net::Signal sigint(ctx.loop(), SIGINT, stop);
  net::Signal sigterm(ctx.loop(), SIGTERM, stop);
  auto done = ctx.wait<void>([&](client::Callback<void> cb) {
    finish = once(std::move(cb));
    id = dht.listen(channel, on_update, finish);
  });
  if (out.failed() || done)
    return ctx.finish();
  return ctx.fail(done.error());
}

} // namespace

void
add_stream_commands(CLI::App& app, Subcommands& list)
{
  struct Args {
    std::string channel;
    std::string filter;
  };
  auto add = [&](const char* name, const char* help, Kind kind) {
    auto args = std::make_shared<Args>();
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("CHANNEL", args->channel, "the channel")->required();
    if (kind == Kind::filter)
      sub->add_option("FILTER", args->filter, "the substring the values must contain")->required();
    list.push_back({sub, [args, kind](Context& ctx) {
                      return run_get_all(ctx, kind, args->channel, args->filter);
                    }});
  };
  add("get-all", "print every record of CHANNEL as KEY<TAB>VALUE lines", Kind::all);
  add("export", "the same as get-all (its output is import's input)", Kind::all);
  add("get-all-keys", "print every key of CHANNEL, one a line", Kind::keys);
  add("get-all-filter", "print the records whose value contains FILTER", Kind::filter);

  auto args = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "listen", "print changes to CHANNEL (KEY<TAB>VALUE; -KEY for a removal) until it is "
                "removed or a signal stops it");
  sub->add_option("CHANNEL", args->channel, "the channel")->required();
  list.push_back({sub, [args](Context& ctx) { return run_listen(ctx, args->channel); }});
}

} // namespace shoal::dht
