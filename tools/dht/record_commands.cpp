// dht put, get, exists and remove: one record, routed to the node responsible for its key.
#include "context.hpp"
#include "records.hpp"

#include <unistd.h>

#include <memory>

namespace shoal::dht {

namespace {

struct KeyArgs {
  std::string channel;
  std::string key;
};

// Adds the CHANNEL and KEY operands every keyed subcommand has.
void
add_key_operands(CLI::App* sub, KeyArgs& args)
{
  sub->add_option("CHANNEL", args.channel, "the channel")->required();
  sub->add_option("KEY", args.key, "16 hex digits, or any string with --hash")->required();
}

// Validates the operands, connects and handshakes; returns the key.
core::Result<std::uint64_t>
prepare(Context& ctx, const KeyArgs& args)
{
  SHOAL_TRY(check_channel(args.channel));
  auto key = parse_key_operand(args.key, ctx.options().hash);
  if (!key)
    return key;
  SHOAL_TRY(ctx.open(true));
  return key;
}

int
run_put(Context& ctx, const KeyArgs& args, const CLI::Option& value_option, std::string& value_arg)
{
  auto key = prepare(ctx, args);
  if (!key)
    return ctx.fail(key.error());
  std::string value;
  if (value_option.count() > 0) {
    value = std::move(value_arg);
  } else {
    auto in = cli::read_all(STDIN_FILENO);
    if (!in)
      return ctx.fail(in.error());
    value = std::move(*in);
  }
  auto put = ctx.wait<void>([&](auto cb) { ctx.dht().put(args.channel, *key, value, cb); });
  return put ? ctx.finish() : ctx.fail(put.error());
}

int
run_get(Context& ctx, const KeyArgs& args)
{
  auto key = prepare(ctx, args);
  if (!key)
    return ctx.fail(key.error());
  auto got =
      ctx.wait<std::optional<std::string>>([&](auto cb) { ctx.dht().get(args.channel, *key, cb); });
  if (!got)
    return ctx.fail(got.error());
  if (!got->has_value())
    return exit_missing;
  ctx.out().write(**got); // raw bytes, no newline added
  return ctx.finish();
}

int
run_exists(Context& ctx, const KeyArgs& args)
{
  auto key = prepare(ctx, args);
  if (!key)
    return ctx.fail(key.error());
  auto found = ctx.wait<bool>([&](auto cb) { ctx.dht().exists(args.channel, *key, cb); });
  if (!found)
    return ctx.fail(found.error());
  ctx.out().write(*found ? "true\n" : "false\n");
  int status = ctx.finish();
  return status != 0 ? status : *found ? 0 : exit_missing;
}

int
run_remove(Context& ctx, const KeyArgs& args)
{
  auto key = prepare(ctx, args);
  if (!key)
    return ctx.fail(key.error());
  auto removed = ctx.wait<void>([&](auto cb) { ctx.dht().remove(args.channel, *key, cb); });
  return removed ? ctx.finish() : ctx.fail(removed.error());
}

} // namespace

void
add_record_commands(CLI::App& app, Subcommands& list)
{
  {
    auto args = std::make_shared<KeyArgs>();
    auto value = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("put", "store VALUE (or all of standard input) under KEY");
    add_key_operands(sub, *args);
    auto* option =
        sub->add_option("VALUE", *value, "the value (raw bytes); standard input when absent");
    list.push_back({sub, [args, value, option](Context& ctx) {
                      return run_put(ctx, *args, *option, *value);
                    }});
  }
  {
    auto args = std::make_shared<KeyArgs>();
    auto* sub = app.add_subcommand("get", "print the value of KEY, raw; exit 1 when absent");
    add_key_operands(sub, *args);
    list.push_back({sub, [args](Context& ctx) { return run_get(ctx, *args); }});
  }
  {
    auto args = std::make_shared<KeyArgs>();
    auto* sub = app.add_subcommand("exists", "print true (exit 0) or false (exit 1)");
    add_key_operands(sub, *args);
    list.push_back({sub, [args](Context& ctx) { return run_exists(ctx, *args); }});
  }
  {
    auto args = std::make_shared<KeyArgs>();
    auto* sub = app.add_subcommand("remove", "remove the record of KEY");
    add_key_operands(sub, *args);
    list.push_back({sub, [args](Context& ctx) { return run_remove(ctx, *args); }});
  }
}

} // namespace shoal::dht
