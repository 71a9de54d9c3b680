// logfiles put: records from standard input, each with its timestamp, sent in batches
// (LogPutBatch) to the nodes responsible for them, several batches in flight per node. It
// stops at the first malformed line: every record before it is stored, nothing after it is
// read (exit 65). Partly filled batches go out every --flush-interval, so that slow input
// (tail -f) is stored as it comes. With --raw, all of standard input is one record (PutDup).
#include "context.hpp"
#include "log_records.hpp"

#include "cfg/options.hpp"
#include "cli/feed_lines.hpp"
#include "client/importer.hpp"

#include <unistd.h>

#include <memory>
#include <optional>

namespace shoal::logfiles {

namespace {

struct PutArgs {
  std::string channel;
  std::optional<std::string> key; // --key TS
  bool now = false;               // --now
  bool raw = false;               // --raw
  std::uint64_t batch_size = proto::default_batch_size;
  std::size_t in_flight = 8;
  std::uint64_t flush_ms = 1000; // --flush-interval
};

// The timestamp of --key, or nullopt (a timestamp per line, or --now).
core::Result<std::optional<std::uint64_t>>
fixed_key(const PutArgs& args)
{
  if (args.raw && !args.key && !args.now)
    return core::make_error(core::Errc::usage, "--raw needs --key TS or --now");
  if (!args.key)
    return std::optional<std::uint64_t>();
  auto key = parse_timestamp(*args.key);
  if (!key)
    return core::make_error(core::Errc::usage, "--key: " + key.error().message);
  return std::optional<std::uint64_t>(*key);
}

int
run_raw(Context& ctx, const PutArgs& args, std::optional<std::uint64_t> key)
{
  auto in = cli::read_all(STDIN_FILENO);
  if (!in)
    return ctx.fail(in.error());
  if (in->empty())
    return ctx.fail(
        core::make_error(core::Errc::bad_data, "empty value (the nodes refuse empty values)"));
  std::uint64_t stamp = key ? *key : now_seconds();
  auto put = ctx.wait<void>([&](auto cb) { ctx.logs().put_dup(args.channel, stamp, *in, cb); });
  return put ? ctx.finish() : ctx.fail(put.error());
}

int
run_put(Context& ctx, const PutArgs& args)
{
  if (auto ok = check_channel(args.channel); !ok)
    return ctx.fail(ok.error());
  auto key = fixed_key(args);
  if (!key)
    return ctx.fail(key.error());
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  if (args.raw)
    return run_raw(ctx, args, *key);
  client::ImportOptions opts;
  opts.batch_size = args.batch_size;
  opts.in_flight_per_node = args.in_flight;
  opts.append = true;
  client::Importer importer(ctx.logs(), args.channel, opts);
  net::Timer flush(ctx.loop()); // slow input (tail -f) is not held back until a batch fills
  if (args.flush_ms > 0) {
    flush.start(args.flush_ms, args.flush_ms, [&importer] { importer.flush(); });
    flush.unref();
  }
  const bool stamped = *key || args.now;
  const std::uint64_t fixed = key->value_or(0);
  return cli::feed_lines(ctx, importer,
                         [&, value = std::string()](std::string_view line) mutable -> core::Status {
                           std::uint64_t stamp = fixed;
                           if (!stamped)
                             SHOAL_TRY(parse_record_line(line, stamp, value));
                           else if (args.now)
                             stamp = now_seconds();
                           if (stamped)
                             SHOAL_TRY(parse_value_line(line, value));
                           importer.add(stamp, value);
                           return core::Status();
                         });
}

} // namespace

void
add_put_command(CLI::App& app, Subcommands& list)
{
  auto args = std::make_shared<PutArgs>();
  auto* sub = app.add_subcommand(
      "put", "append the records of standard input (TIMESTAMP<TAB>VALUE lines) to CHANNEL");
  sub->add_option("CHANNEL", args->channel, "the channel")->required();
  auto* key = sub->add_option("--key", args->key,
                              "every line is a VALUE stamped with TS (seconds, 0x hex or "
                              "YYYY-MM-DD[THH:MM[:SS]Z])")
                  ->type_name("TS");
  sub->add_flag("--now", args->now, "every line is a VALUE stamped with the time it is read")
      ->excludes(key);
  sub->add_flag("--raw", args->raw,
                "all of standard input, unescaped, is one record (needs --key or --now)");
  sub->add_option("--batch-size", args->batch_size, "uncompressed bytes per LogPutBatch request")
      ->transform(cfg::size_value())
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{16} << 20))
      ->default_str("64K");
  sub->add_option("--in-flight", args->in_flight, "LogPutBatch requests in flight per node")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
      ->capture_default_str();
  cfg::add_duration(*sub, "--flush-interval", args->flush_ms,
                    "send partly filled batches this often (for slow input); 0: only full ones",
                    "1s");
  list.push_back({sub, [args](Context& ctx) { return run_put(ctx, *args); }});
}

} // namespace shoal::logfiles
