// Queue request decoding and encoding. Every command maps to a fixed list of fields; the
// decoder and the encoder both walk that list, so the two sides cannot drift apart.
#include "proto/queue_request.hpp"

#include "proto/decode_step.hpp"
#include "proto/wire.hpp"

namespace shoal::proto {

namespace {

// The fields that follow the command code, in wire order.
enum class Shape { none, channel, channel_value, channels, channels_value };

Shape
shape_of(QueueCommand command)
{
  switch (command) {
  case QueueCommand::push: return Shape::channel_value;
  case QueueCommand::pop:
  case QueueCommand::get_channel_size:
  case QueueCommand::consume:
  case QueueCommand::produce:
  case QueueCommand::remove_channel: return Shape::channel;
  case QueueCommand::push_multi: return Shape::channels_value;
  case QueueCommand::produce_multi: return Shape::channels;
  case QueueCommand::get_channels:
  case QueueCommand::get_size:
  case QueueCommand::get_size_limit:
  case QueueCommand::get_num_connections:
  case QueueCommand::get_version:
  case QueueCommand::get_stats: return Shape::none;
  }
  return Shape::none;
}

bool
has_list(Shape s)
{
  return s == Shape::channels || s == Shape::channels_value;
}

bool
has_value(Shape s)
{
  return s == Shape::channel_value || s == Shape::channels_value;
}

Step
decode_list(WireReader& in, const QueueDecodeLimits& limits, QueueRequest& out)
{
  for (;;) {
    std::string_view name;
    if (Step s = decode_field(in, name, limits.max_channel); s != Step::ok)
      return s;
    if (name.empty())
      return Step::ok;
    if (out.channels.size() >= limits.max_channels)
      return Step::malformed;
    out.channels.push_back(name);
  }
}

Step
decode_fields(WireReader& in, const QueueDecodeLimits& limits, QueueRequest& out)
{
  Shape shape = shape_of(out.command);
  Step s = Step::ok;
  if (shape == Shape::channel || shape == Shape::channel_value)
    s = decode_field(in, out.channel, limits.max_channel);
  if (s == Step::ok && has_list(shape))
    s = decode_list(in, limits, out);
  if (s == Step::ok && has_value(shape))
    s = decode_payload(in, out.value, limits.max_value, limits.max_discard);
  return s;
}

void
reset(QueueRequest& out, QueueCommand command)
{
  out.command = command;
  out.channel = out.value = {};
  out.channels.clear();
}

} // namespace

DecodeResult
decode_queue_request(std::string_view input, const QueueDecodeLimits& limits, QueueRequest& out)
{
  WireReader in(input);
  std::int32_t code = 0;
  if (!in.i32(code))
    return {DecodeStatus::need_more, 0, 0};
  if (!known_queue_command(code))
    return {DecodeStatus::malformed, 0, 0};
  reset(out, static_cast<QueueCommand>(code));
  return decode_result(decode_fields(in, limits, out), in);
}

void
encode_queue_request(const QueueRequest& request, std::string& out)
{
  WireWriter w(out);
  w.i32(static_cast<std::int32_t>(request.command));
  Shape shape = shape_of(request.command);
  if (shape == Shape::channel || shape == Shape::channel_value)
    w.array(request.channel);
  if (has_list(shape)) {
    for (std::string_view name : request.channels)
      w.array(name);
    w.array({}); // the empty name ends the list
  }
  if (has_value(shape))
    w.array(request.value);
}

DecodeResult
decode_produce_item(std::string_view input,
                    const QueueDecodeLimits& limits,
                    std::string_view& value)
{
  WireReader in(input);
  return decode_result(decode_payload(in, value, limits.max_value, limits.max_discard), in);
}

void
encode_produce_item(std::string_view value, std::string& out)
{
  WireWriter(out).array(value);
}

void
encode_produce_end(std::string& out)
{
  WireWriter(out).array({});
}

} // namespace shoal::proto
