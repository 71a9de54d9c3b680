// Decoding of stream answers (the status that opens every stream, GetAll*, Listen) and the
// error a non-Ok status becomes.
#include "client/pending.hpp"

#include "core/hex.hpp"
#include "proto/batch.hpp"

namespace shoal::client {

core::Error
status_error(const std::string& node, std::string_view request, proto::StatusCode status)
{
  // Unavailable: the node is up but will not do it; the CLI exits 69 (EX_UNAVAILABLE).
  return core::make_error(core::Errc::unavailable, "node " + node + " answered " +
                                                       std::string(proto::status_name(status)) +
                                                       " to " + std::string(request));
}

core::Error
status_error(const std::string& node, proto::Command command, proto::StatusCode status)
{
  return status_error(node, proto::command_name(command), status);
}

Parse
StreamPending::parse(std::string_view input, std::size_t& consumed, const ParseContext& ctx)
{
  consumed = 0;
  if (!m_started) {
    proto::Response response;
    auto read =
        proto::read_response(proto::ResponseShape::status_only, input, ctx.opts.limits, response);
    if (read.status == proto::ReadStatus::need_more)
      return Parse::need_more;
    if (read.status == proto::ReadStatus::malformed)
      return malformed("malformed response");
    consumed = read.consumed;
    m_started = true;
    if (response.status != proto::StatusCode::ok) {
      m_result.emplace(status_error(ctx.node, name(), response.status), response.status);
      return Parse::done;
    }
    started();
    if (ctx.closed)
      return Parse::need_more;
  }
  return parse_items(input, consumed, ctx);
}

void
StreamPending::finish()
{
  auto done = std::move(m_done);
  done(std::move(*m_result));
}

void
StreamPending::fail(const core::Error& error)
{
  auto done = std::move(m_done);
  done(Reply<void>(error));
}

BatchStream::BatchStream(proto::Command command,
                         std::string request,
                         RecordCallback on_record,
                         DoneCallback done)
    : StreamPending(proto::command_name(command), std::move(request), std::move(done)),
      m_command(command), m_on_record(std::move(on_record))
{
}

Parse
BatchStream::parse_items(std::string_view input, std::size_t& consumed, const ParseContext& ctx)
{
  const std::uint64_t max_payload = proto::batch_payload_bound(ctx.opts.max_batch_raw);
  for (;;) {
    std::string_view payload;
    auto read = proto::read_array(input.substr(consumed), max_payload, payload);
    if (read.status == proto::ReadStatus::need_more)
      return Parse::need_more;
    if (read.status == proto::ReadStatus::malformed)
      return malformed("record batch larger than the limit");
    consumed += read.consumed;
    if (payload.empty()) // the end of the stream
      return ended();
    if (Parse p = deliver_batch(payload, ctx); p != Parse::need_more || ctx.closed)
      return p;
  }
}

Parse
BatchStream::deliver_batch(std::string_view payload, const ParseContext& ctx)
{
  if (auto s = proto::decompress_batch(payload, ctx.opts.max_batch_raw, m_raw); !s)
    return malformed(s.error().message);
  // A copy: the callback may cancel the stream, which must not destroy the function it runs.
  RecordCallback on_record = m_on_record;
  const bool keys_only = m_command == proto::Command::get_all_keys;
  proto::BatchReader reader(m_raw);
  std::string_view key_text, value;
  while (keys_only ? reader.next_key(key_text) : reader.next_pair(key_text, value)) {
    auto key = core::parse_key(key_text);
    if (!key)
      return malformed("record batch holds a bad key");
    on_record(*key, value);
    if (ctx.closed)
      return Parse::need_more;
  }
  if (reader.failed())
    return malformed("truncated record batch");
  return Parse::need_more;
}

ListenStream::ListenStream(std::string request, ListenCallback on_update, DoneCallback done)
    : StreamPending(
          proto::command_name(proto::Command::listen), std::move(request), std::move(done)),
      m_on_update(std::move(on_update))
{
}

Parse
ListenStream::parse_items(std::string_view input, std::size_t& consumed, const ParseContext& ctx)
{
  ListenCallback on_update = m_on_update; // a copy, as in BatchStream
  for (;;) {
    std::string_view key_text, value;
    auto read =
        proto::read_pair(input.substr(consumed), ctx.opts.limits.max_array, key_text, value);
    if (read.status == proto::ReadStatus::need_more)
      return Parse::need_more;
    if (read.status == proto::ReadStatus::malformed)
      return malformed("malformed Listen update");
    consumed += read.consumed;
    if (key_text.empty() && value.empty()) // the channel was removed
      return ended();
    auto key = core::parse_key(key_text);
    if (!key)
      return malformed("Listen update with a bad key");
    // shoal's dhtnode reports a removed record as its key with an empty value.
    on_update(*key, value.empty() ? std::nullopt : std::optional<std::string_view>(value));
    if (ctx.closed)
      return Parse::need_more;
  }
}

} // namespace shoal::client
