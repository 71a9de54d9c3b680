// Decoding of the Consume stream.
#include "client/queue_pending.hpp"

#include "proto/queue_codes.hpp"

namespace shoal::client {

ConsumeStream::ConsumeStream(std::string request,
                             ValueCallback on_value,
                             DoneCallback done,
                             StartedCallback on_started)
    : StreamPending(proto::queue_command_name(proto::QueueCommand::consume),
                    std::move(request),
                    std::move(done)),
      m_on_value(std::move(on_value)), m_on_started(std::move(on_started))
{
}

void
ConsumeStream::started()
{
  // Moved out: it runs once, and cancelling the stream from it must not destroy the function
  // it runs.
  if (auto on_started = std::move(m_on_started))
    on_started();
}

Parse
ConsumeStream::parse_items(std::string_view input, std::size_t& consumed, const ParseContext& ctx)
{
  // A copy: the callback may cancel the stream, which must not destroy the function it runs.
  ValueCallback on_value = m_on_value;
  for (;;) {
    std::string_view value;
    auto read = proto::read_array(input.substr(consumed), ctx.opts.limits.max_array, value);
    if (read.status == proto::ReadStatus::need_more)
      return Parse::need_more;
    if (read.status == proto::ReadStatus::malformed)
      return malformed("record larger than the limit");
    consumed += read.consumed;
    if (value.empty()) // the channel was removed
      return ended();
    on_value(value);
    if (ctx.closed)
      return Parse::need_more;
  }
}

} // namespace shoal::client
