// queue produce: a long-lived Produce (or ProduceMulti) stream to every node, fed with the
// record lines of standard input. When the nodes stop reading, produce stops reading its input;
// at the end of the input, a malformed line or a signal it ends the streams cleanly.
#include "context.hpp"
#include "records.hpp"

#include "cli/line_reader.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <memory>

namespace shoal::queue {

namespace {

int
run_produce(Context& ctx, const std::vector<std::string>& channels)
{
  for (const auto& channel : channels)
    if (auto ok = check_channel(channel); !ok)
      return ctx.fail(ok.error());
  if (auto opened = ctx.open(); !opened)
    return ctx.fail(opened.error());
  client::Queue& queue = ctx.queue();
  std::unique_ptr<client::SpreadProducer> producer;
  cli::LineReader reader(ctx.loop(), STDIN_FILENO);
  std::optional<core::Error> input_error;
  auto end_input = [&] {
    reader.stop();
    if (producer)
      producer->finish();
  };
  net::Signal sigint(ctx.loop(), SIGINT, end_input);
  net::Signal sigterm(ctx.loop(), SIGTERM, end_input);
  auto done = ctx.wait<void>([&](client::Callback<void> cb) {
    producer = channels.size() == 1 ? queue.produce(channels.front(), std::move(cb))
                                    : queue.produce_multi(channels, std::move(cb));
    producer->on_writable([&reader] { reader.resume(); });
    std::string value;
    reader.start(
        [&, value](std::string_view line, std::uint64_t number) mutable {
          if (auto parsed = parse_record_line(line, value); !parsed) {
            input_error = core::make_error(core::Errc::bad_data, "line " + std::to_string(number) +
                                                                     ": " + parsed.error().message);
            end_input();
            return false;
          }
          producer->push(value);
          return producer->writable();
        },
        [&](core::Status end) {
          if (!end)
            input_error = end.error();
          end_input();
        });
  });
  int status = 0;
  if (!done) // the nodes' failure matters more: records may be lost
    status = ctx.fail(done.error());
  else if (input_error)
    status = ctx.fail(*input_error);
  else
    status = ctx.finish();
  if (reader.busy())
    std::_Exit(status); // a read of standard input is blocked in the thread pool: do not wait
  return status;
}

} // namespace

void
add_produce_command(CLI::App& app, Subcommands& list)
{
  auto channels = std::make_shared<std::vector<std::string>>();
  auto* sub = app.add_subcommand(
      "produce", "stream each line of standard input (escaped) to CHANNEL (to every CHANNEL "
                 "when there are several), spread over the nodes, until the input ends");
  sub->add_option("CHANNEL", *channels, "the channel(s)")->required();
  list.push_back({sub, [channels](Context& ctx) { return run_produce(ctx, *channels); }});
}

} // namespace shoal::queue
