// Decoding of the Consume stream.
#include "client/queue_pending.hpp"

#include "proto/queue_codes.hpp"

namespace shoal::client {

ConsumeStream::ConsumeStream(std::string request, ValueCallback on_value, DoneCallback done)
    : Pending(proto::queue_command_name(proto::QueueCommand::consume), std::move(request)),
      m_on_value(std::move(on_value)), m_done(std::move(done))
{
}

Parse
ConsumeStream::parse(std::string_view input, std::size_t& consumed, const ParseContext& ctx)
{
  consumed = 0;
  if (!m_started) {
    Parse p = read_stream_status(name(), input, consumed, ctx, m_result, m_started);
    if (p == Parse::malformed)
      return malformed("malformed response");
    if (!m_started || p == Parse::done)
      return p;
  }
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
    if (value.empty()) { // the channel was removed
      m_result.emplace();
      return Parse::done;
    }
    on_value(value);
    if (ctx.closed)
      return Parse::need_more;
  }
}

void
ConsumeStream::finish()
{
  auto done = std::move(m_done);
  done(std::move(*m_result));
}

void
ConsumeStream::fail(const core::Error& error)
{
  auto done = std::move(m_done);
  done(Reply<void>(error));
}

} // namespace shoal::client
