// queue consume and subscribe: records of every node, merged, written to standard output as
// record lines until a signal, --count records, or the channel's removal everywhere. Streams
// (Consume) cannot give records back: consume --count first takes what is there with Pops,
// which lose nothing, and opens streams only to wait for more; the records that arrive after
// the last one wanted are lost to the queue, and reported on standard error.
#include "context.hpp"
#include "drain.hpp"
#include "records.hpp"

#include "proto/queue_codes.hpp"

#include <csignal>
#include <memory>

namespace shoal::queue {

namespace {

struct ConsumeArgs {
  std::string subscriber;
  std::string channel;
  std::uint64_t count = 0; // 0: no limit
};

// Streams target ("CHANNEL" or "SUBSCRIBER@CHANNEL") from every node to standard output; with
// pop_first, takes what the channel holds with Pops first.
int
consume(Context& ctx, const std::string& target, std::uint64_t count, bool pop_first)
{
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  client::Queue& queue = ctx.queue();
  cli::Output& out = ctx.out();
  net::Timer flush(ctx.loop()); // one write per burst of records, soon after it
  net::Timer stop_soon(ctx.loop());
  client::StreamId id = 0;
  client::Callback<void> finish;
  std::uint64_t printed = 0, dropped = 0;
  bool stopped = false;
  auto stop = [&] {
    stopped = true;
    queue.cancel(id);
    if (finish)
      finish({}); // a requested stop is a success
  };
  auto on_value = [&](std::string_view value) {
    if (count > 0 && printed == count) { // arrived in the same turn as the last one wanted
      ++dropped;
      return;
    }
    append_record(out.buffer(), value);
    out.written();
    if (count > 0 && ++printed == count)
      stop_soon.start(0, 0, stop); // after the records already read, to count them
    if (!flush.active())
      flush.start(0, 0, [&] {
        if (!out.flush()) // the reader went away: stop consuming
          stop();
      });
  };
  net::Signal sigint(ctx.loop(), SIGINT, stop);
  net::Signal sigterm(ctx.loop(), SIGTERM, stop);
  auto done = ctx.wait<void>([&](client::Callback<void> cb) {
    finish = client::once(std::move(cb));
    if (!pop_first || count == 0) {
      id = queue.consume(target, on_value, finish);
      return;
    }
    drain(queue, target, count, on_value, [&](client::Reply<void> drained) {
      if (!drained)
        return finish(std::move(drained));
      if (!stopped && printed < count) // every node is empty: wait for more
        id = queue.consume(target, on_value, finish);
    });
  });
  if (dropped > 0)
    ctx.warn("lost " + std::to_string(dropped) +
             " record(s) that arrived after the last of --count " + std::to_string(count) +
             " (the protocol cannot give records back)");
  if (out.failed() || done)
    return ctx.finish(); // reports the write error, if any
  return ctx.fail(done.error());
}

void
add_count_option(CLI::App* sub, ConsumeArgs& args)
{
  sub->add_option("--count", args.count, "stop after N records (0: no limit)")
      ->type_name("N")
      ->capture_default_str();
}

} // namespace

void
add_consume_commands(CLI::App& app, Subcommands& list)
{
  {
    auto args = std::make_shared<ConsumeArgs>();
    auto* sub = app.add_subcommand(
        "consume", "print the records of CHANNEL from every node as they come, one escaped "
                   "line each, taking them from the queue");
    sub->add_option("CHANNEL", args->channel, "the channel")->required();
    add_count_option(sub, *args);
    list.push_back({sub, [args](Context& ctx) {
                      if (auto ok = check_channel(args->channel); !ok)
                        return ctx.fail(ok.error());
                      return consume(ctx, args->channel, args->count, true);
                    }});
  }
  {
    auto args = std::make_shared<ConsumeArgs>();
    auto* sub = app.add_subcommand(
        "subscribe", "consume CHANNEL as the named SUBSCRIBER, which gets every record of "
                     "CHANNEL whatever other subscribers take");
    sub->add_option("SUBSCRIBER", args->subscriber, "the subscriber's name")->required();
    sub->add_option("CHANNEL", args->channel, "the channel")->required();
    add_count_option(sub, *args);
    list.push_back({sub, [args](Context& ctx) {
                      if (auto ok = check_subscriber(args->subscriber); !ok)
                        return ctx.fail(ok.error());
                      if (auto ok = check_channel(args->channel); !ok)
                        return ctx.fail(ok.error());
                      return consume(ctx, proto::consume_target(args->subscriber, args->channel),
                                     args->count, false);
                    }});
  }
}

} // namespace shoal::queue
