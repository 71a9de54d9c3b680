// The end of feed_lines, which does not depend on the sender.
#include "cli/feed_lines.hpp"

#include <cstdlib>

namespace shoal::cli {

int
finish_feed(ClientContext& ctx,
            const client::Reply<void>& stored,
            const std::optional<core::Error>& input_error,
            const LineReader& reader)
{
  int status = 0;
  if (!stored) // the nodes' failure matters more: it leaves the input partly stored
    status = ctx.fail(stored.error());
  else if (input_error)
    status = ctx.fail(*input_error);
  else
    status = ctx.finish();
  if (reader.busy()) {
    // A read of standard input is still blocked in the thread pool (the feed ended early) and
    // the loop would wait for it at exit: leave without waiting.
    std::_Exit(status);
  }
  return status;
}

} // namespace shoal::cli
