// dht import: KEY<TAB>VALUE lines from standard input, sent in batches (PutBatch) to the
// responsible nodes with several batches in flight per node. It stops at the first malformed
// line: every record before it is stored, nothing after it is read (exit 65).
#include "context.hpp"
#include "records.hpp"

#include "cfg/options.hpp"
#include "cli/feed_lines.hpp"
#include "client/importer.hpp"

#include <memory>

namespace shoal::dht {

namespace {

struct ImportArgs {
  std::string channel;
  std::uint64_t batch_size = proto::default_batch_size;
  std::size_t in_flight = 8;
};

int
run_import(Context& ctx, const ImportArgs& args)
{
  if (auto ok = check_channel(args.channel); !ok)
    return ctx.fail(ok.error());
  if (auto opened = ctx.open(true); !opened)
    return ctx.fail(opened.error());
  client::Importer importer(ctx.dht(), args.channel, {args.batch_size, args.in_flight});
  bool hash = ctx.options().hash;
  return cli::feed_lines(
      ctx, importer,
      [&importer, hash, value = std::string()](std::string_view line) mutable -> core::Status {
        std::uint64_t key = 0;
        SHOAL_TRY(parse_record_line(line, hash, key, value));
        importer.add(key, value);
        return core::Status();
      });
}

} // namespace

void
add_import_command(CLI::App& app, Subcommands& list)
{
  auto args = std::make_shared<ImportArgs>();
  auto* sub = app.add_subcommand(
      "import", "store the KEY<TAB>VALUE lines of standard input in CHANNEL, in batches");
  sub->add_option("CHANNEL", args->channel, "the channel")->required();
  sub->add_option("--batch-size", args->batch_size, "uncompressed bytes per PutBatch request")
      ->transform(cfg::size_value())
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{16} << 20))
      ->default_str("64K");
  sub->add_option("--in-flight", args->in_flight, "PutBatch requests in flight per node")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1024}))
      ->capture_default_str();
  list.push_back({sub, [args](Context& ctx) { return run_import(ctx, *args); }});
}

} // namespace shoal::dht
