// feed_lines: streams the lines of standard input into a sender with back-pressure (dht's
// client::Importer, queue's Pusher). Reading pauses while the sender is backlogged and stops
// at the first malformed line or failure: what was sent before stays stored, nothing after it
// is read (exit 65).
#pragma once

#include "cli/client_context.hpp"
#include "cli/line_reader.hpp"
#include "client/reply.hpp"
#include "core/result.hpp"

#include <unistd.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace shoal::cli {

// The exit status of a feed: the nodes' failure (stored), else the input's, else success.
// Leaves at once, without returning, when a read of standard input is still under way.
int finish_feed(ClientContext& ctx,
                const client::Reply<void>& stored,
                const std::optional<core::Error>& input_error,
                const LineReader& reader);

// Sender offers failure(), backlogged(), on_ready(fn) and finish(done), as Importer and Pusher
// do. send_line(line) parses one line and hands it to the sender; its error (without a line
// number) stops the input. Returns the exit status.
template <class Sender, class SendLine>
int
feed_lines(ClientContext& ctx, Sender& sender, SendLine send_line)
{
  LineReader reader(ctx.loop(), STDIN_FILENO);
  std::optional<core::Error> input_error;
  auto stored = ctx.wait<void>([&](client::Callback<void> cb) {
    // Any of the input's end, a bad line and a failure ends the feed; the first one counts.
    auto finish =
        std::make_shared<std::function<void()>>([&sender, &reader, cb, finished = false]() mutable {
          if (std::exchange(finished, true))
            return;
          reader.stop();
          sender.finish(cb);
        });
    reader.start(
        [&, finish](std::string_view line, std::uint64_t number) {
          if (auto sent = send_line(line); !sent) {
            input_error = core::make_error(core::Errc::bad_data, "line " + std::to_string(number) +
                                                                     ": " + sent.error().message);
            (*finish)();
            return false;
          }
          if (sender.failure()) {
            (*finish)();
            return false;
          }
          return !sender.backlogged();
        },
        [&, finish](core::Status end) {
          if (!end)
            input_error = end.error();
          (*finish)();
        });
    sender.on_ready([&sender, &reader, finish] {
      if (sender.failure())
        (*finish)(); // do not wait for more input to notice
      else
        reader.resume();
    });
  });
  return finish_feed(ctx, stored, input_error, reader);
}

} // namespace shoal::cli
