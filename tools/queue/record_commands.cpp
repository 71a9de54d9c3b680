// queue push, push-multi and pop: records in and out, one node at a time in turn. Records from
// standard input stream through a Pusher; push stops at the first malformed line: the records
// before it are stored, nothing after it is read (exit 65).
#include "context.hpp"
#include "pusher.hpp"
#include "records.hpp"

#include "cli/feed_lines.hpp"

#include <unistd.h>

#include <memory>

namespace shoal::queue {

namespace {

struct PushArgs {
  std::vector<std::string> channels;
  std::string value;
  const CLI::Option* value_option = nullptr;
  bool raw = false;
  std::size_t in_flight = 256;
};

// Sends the record lines of standard input through a Pusher.
int
push_lines(Context& ctx, const PushArgs& args, bool multi)
{
  Pusher pusher(ctx.queue(), args.channels, multi, args.in_flight);
  return cli::feed_lines(
      ctx, pusher, [&pusher, value = std::string()](std::string_view line) mutable -> core::Status {
        SHOAL_TRY(parse_record_line(line, value));
        pusher.add(value);
        return core::Status();
      });
}

int
run_push(Context& ctx, PushArgs& args, bool multi)
{
  for (const auto& channel : args.channels)
    if (auto ok = check_channel(channel); !ok)
      return ctx.fail(ok.error());
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  bool given = args.value_option && args.value_option->count() > 0;
  if (!given && !args.raw)
    return push_lines(ctx, args, multi);
  if (!given) {
    auto in = cli::read_all(STDIN_FILENO);
    if (!in)
      return ctx.fail(in.error());
    args.value = std::move(*in);
  }
  auto pushed = ctx.wait<void>([&](auto cb) {
    if (multi)
      ctx.queue().push_multi(args.channels, args.value, cb);
    else
      ctx.queue().push(args.channels.front(), args.value, cb);
  });
  return pushed ? ctx.finish() : ctx.fail(pushed.error());
}

int
run_pop(Context& ctx, const std::string& channel)
{
  if (auto ok = check_channel(channel); !ok)
    return ctx.fail(ok.error());
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  auto got = ctx.wait<std::optional<std::string>>([&](auto cb) { ctx.queue().pop(channel, cb); });
  if (!got)
    return ctx.fail(got.error());
  if (!got->has_value())
    return exit_empty;
  ctx.out().write(**got); // raw bytes, no newline added
  return ctx.finish();
}

void
add_stdin_options(CLI::App* sub, PushArgs& args)
{
  sub->add_flag("--raw", args.raw, "push all of standard input, byte for byte, as one record");
  sub->add_option("--in-flight", args.in_flight, "records awaiting an answer at once")
      ->type_name("N")
      ->check(CLI::Range(std::size_t{1}, std::size_t{65536}))
      ->capture_default_str();
}

} // namespace

void
add_record_commands(CLI::App& app, Subcommands& list)
{
  {
    auto args = std::make_shared<PushArgs>();
    args->channels.resize(1);
    auto* sub = app.add_subcommand(
        "push", "push VALUE, or each line of standard input (escaped), to CHANNEL");
    sub->add_option("CHANNEL", args->channels.front(), "the channel")->required();
    args->value_option = sub->add_option("VALUE", args->value, "the record (raw bytes)");
    add_stdin_options(sub, *args);
    list.push_back({sub, [args](Context& ctx) { return run_push(ctx, *args, false); }});
  }
  {
    auto args = std::make_shared<PushArgs>();
    auto* sub = app.add_subcommand(
        "push-multi", "push each line of standard input (escaped) to every CHANNEL at once");
    sub->add_option("CHANNEL", args->channels, "the channels")->required();
    add_stdin_options(sub, *args);
    list.push_back({sub, [args](Context& ctx) { return run_push(ctx, *args, true); }});
  }
  {
    auto channel = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("pop", "take the oldest record of CHANNEL and print it raw; "
                                          "exit 1 when the queue is empty");
    sub->add_option("CHANNEL", *channel, "the channel")->required();
    list.push_back({sub, [channel](Context& ctx) { return run_pop(ctx, *channel); }});
  }
}

} // namespace shoal::queue
