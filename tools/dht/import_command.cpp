// dht import: KEY<TAB>VALUE lines from standard input, sent in batches (PutBatch) to the
// responsible nodes with several batches in flight per node. It stops at the first malformed
// line: every record before it is stored, nothing after it is read (exit 65).
#include "context.hpp"
#include "records.hpp"

#include "cfg/options.hpp"
#include "cli/line_reader.hpp"
#include "client/importer.hpp"

#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <utility>

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
  cli::LineReader reader(ctx.loop(), STDIN_FILENO);
  std::optional<core::Error> input_error;
  bool hash = ctx.options().hash;
  auto stored = ctx.wait<void>([&](client::Callback<void> cb) {
    bool finished = false;
    std::function<void()> finish = [&importer, &reader, finished, cb]() mutable {
      if (std::exchange(finished, true))
        return;
      reader.stop();
      importer.finish(cb);
    };
    auto shared_finish = std::make_shared<std::function<void()>>(std::move(finish));
    std::string value;
    reader.start(
        [&, shared_finish, value](std::string_view line, std::uint64_t number) mutable {
          std::uint64_t key = 0;
          if (auto parsed = parse_record_line(line, hash, key, value); !parsed) {
            input_error = core::make_error(core::Errc::bad_data, "line " + std::to_string(number) +
                                                                     ": " + parsed.error().message);
            (*shared_finish)();
            return false;
          }
          importer.add(key, value);
          if (importer.failure()) {
            (*shared_finish)();
            return false;
          }
          return !importer.backlogged();
        },
        [&, shared_finish](core::Status end) {
          if (!end)
            input_error = end.error();
          (*shared_finish)();
        });
    importer.on_ready([&importer, &reader, shared_finish] {
      if (importer.failure())
        (*shared_finish)(); // do not wait for more input to notice
      else
        reader.resume();
    });
  });
  int status = 0;
  if (!stored) // the nodes' failure matters more: it leaves the import incomplete
    status = ctx.fail(stored.error());
  else if (input_error)
    status = ctx.fail(*input_error);
  else
    status = ctx.finish();
  if (reader.busy()) {
    // A read of standard input is still blocked in the thread pool (the import ended early)
    // and the loop would wait for it at exit: leave without waiting.
    std::_Exit(status);
  }
  return status;
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
