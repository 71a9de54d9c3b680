// logfiles get-range and get-all: a read of every node, merged (in arrival order, or sorted
// by key with --sort), written to standard output as record lines.
#include "context.hpp"
#include "log_records.hpp"
#include "sorted_merge.hpp"

#include <map>
#include <memory>
#include <optional>

namespace shoal::logfiles {

namespace {

struct ReadArgs {
  std::string channel;
  std::string from;
  std::string to;
  std::optional<std::string> filter;
  bool sort = false;
  KeyFormat keys = KeyFormat::dec;
};

// The query of the operands (Errc::usage when they are wrong).
core::Result<client::LogQuery>
make_query(const ReadArgs& args, bool all)
{
  SHOAL_TRY(check_channel(args.channel));
  client::LogQuery query;
  query.channel = args.channel;
  query.all = all;
  query.filter = args.filter;
  if (args.filter && args.filter->empty())
    return core::make_error(core::Errc::usage, "--filter needs a non-empty string");
  if (all)
    return query;
  const std::uint64_t now = now_seconds();
  auto from = parse_time_operand(args.from, false, now);
  if (!from)
    return from.error();
  auto to = parse_time_operand(args.to, true, now);
  if (!to)
    return to.error();
  if (*from > *to)
    return core::make_error(core::Errc::usage, "FROM (" + std::to_string(*from) +
                                                   ") is after TO (" + std::to_string(*to) + ")");
  query.min = *from;
  query.max = *to;
  return query;
}

int
run_read(Context& ctx, const ReadArgs& args, bool all)
{
  auto query = make_query(args, all);
  if (!query)
    return ctx.fail(query.error());
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  client::LogStore& logs = ctx.logs();
  cli::Output& out = ctx.out();
  client::StreamId id = 0;
  client::Callback<void> finish;
  auto print = [&](std::uint64_t key, std::string_view value) {
    if (out.failed())
      return;
    append_record(out.buffer(), key, value, args.keys);
    out.written();
    if (out.failed()) { // nobody reads our output any more
      logs.cancel(id);
      finish({});
    }
  };
  std::optional<SortedMerge> merge;
  if (args.sort)
    merge.emplace(logs.size(), print);
  auto on_record = [&](std::size_t node, std::uint64_t key, std::string_view value) {
    if (merge)
      merge->add(node, key, value);
    else
      print(key, value);
  };
  client::NodeEndCallback on_end;
  if (merge)
    on_end = [&](std::size_t node) { merge->end(node); };
  auto done = ctx.wait<void>([&](client::Callback<void> cb) {
    finish = once(std::move(cb));
    id = logs.read(*query, on_record, on_end, finish);
  });
  if (merge && merge->disordered())
    ctx.warn("a node sent records out of bucket order: the output may not be sorted");
  if (out.failed() || done)
    return ctx.finish(); // reports the write error, if any
  return ctx.fail(done.error());
}

void
add_output_options(CLI::App* sub, ReadArgs& args)
{
  sub->add_option("--filter", args.filter, "only the records whose value contains STRING")
      ->type_name("STRING");
  sub->add_flag("--sort", args.sort,
                "print the records sorted by timestamp (held in memory bucket by bucket) "
                "instead of as the nodes send them");
  static const std::map<std::string, KeyFormat> formats{
      {"dec", KeyFormat::dec}, {"hex", KeyFormat::hex}, {"iso", KeyFormat::iso}};
  sub->add_option("--keys-as", args.keys,
                  "how timestamps are printed: dec (seconds), hex (0x and 16 digits) or iso "
                  "(YYYY-MM-DDTHH:MM:SSZ); put reads all three")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case).description(""))
      ->type_name("dec|hex|iso")
      ->default_str("dec");
}

} // namespace

void
add_read_commands(CLI::App& app, Subcommands& list)
{
  {
    auto args = std::make_shared<ReadArgs>();
    auto* sub = app.add_subcommand(
        "get-range", "print the records of CHANNEL with timestamps from FROM to TO (inclusive)");
    sub->add_option("CHANNEL", args->channel, "the channel")->required();
    sub->add_option(
           "FROM", args->from,
           "first timestamp: seconds, 0x hex, YYYY-MM-DD[THH:MM[:SS]Z], now or -N{s,m,h,d}")
        ->required();
    sub->add_option("TO", args->to, "last timestamp, as FROM (a date alone: its last second)")
        ->required();
    add_output_options(sub, *args);
    list.push_back({sub, [args](Context& ctx) { return run_read(ctx, *args, false); }});
  }
  {
    auto args = std::make_shared<ReadArgs>();
    auto* sub = app.add_subcommand("get-all", "print every record of CHANNEL");
    sub->add_option("CHANNEL", args->channel, "the channel")->required();
    add_output_options(sub, *args);
    list.push_back({sub, [args](Context& ctx) { return run_read(ctx, *args, true); }});
  }
}

} // namespace shoal::logfiles
