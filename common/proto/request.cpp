// Request decoding and encoding. Every command maps to a fixed list of fields; the decoder and
// the encoder both walk that list, so the two sides cannot drift apart.
#include "proto/request.hpp"

#include "core/hex.hpp"
#include "proto/decode_step.hpp"
#include "proto/wire.hpp"

namespace shoal::proto {

namespace {

// The fields that follow the command code, in wire order.
enum class Shape {
  none,
  channel,
  channel_key,
  channel_key_value,
  channel_value,
  channel_range,       // GetRange: channel, first key, last key
  channel_range_value, // GetRangeFilter: and the filter
  redistribute,
};

Shape
shape_of(Command command)
{
  switch (command) {
  case Command::put:
  case Command::put_dup: return Shape::channel_key_value;
  case Command::get_range: return Shape::channel_range;
  case Command::get_range_filter: return Shape::channel_range_value;
  case Command::get:
  case Command::exists:
  case Command::remove: return Shape::channel_key;
  case Command::get_channel_size:
  case Command::remove_channel:
  case Command::listen:
  case Command::get_all:
  case Command::get_all_keys: return Shape::channel;
  case Command::get_all_filter:
  case Command::put_batch:
  case Command::log_put_batch: return Shape::channel_value;
  case Command::redistribute: return Shape::redistribute;
  case Command::get_channels:
  case Command::get_size:
  case Command::get_responsible_range:
  case Command::get_num_connections:
  case Command::get_version:
  case Command::get_stats: return Shape::none;
  }
  return Shape::none;
}

bool
has_channel(Shape s)
{
  return s != Shape::none && s != Shape::redistribute;
}

bool
has_key_max(Shape s)
{
  return s == Shape::channel_range || s == Shape::channel_range_value;
}

bool
has_key(Shape s)
{
  return s == Shape::channel_key || s == Shape::channel_key_value || has_key_max(s);
}

bool
has_value(Shape s)
{
  return s == Shape::channel_key_value || s == Shape::channel_value ||
         s == Shape::channel_range_value;
}

bool
is_batch(Command command)
{
  return command == Command::put_batch || command == Command::log_put_batch;
}

Step
decode_nodes(WireReader& in, const DecodeLimits& limits, Request& out)
{
  if (!in.u64(out.min) || !in.u64(out.max))
    return Step::need_more;
  for (;;) {
    std::string_view address;
    if (Step s = decode_field(in, address, max_address_length); s != Step::ok)
      return s;
    if (address.empty())
      return Step::ok;
    if (out.nodes.size() >= limits.max_nodes)
      return Step::malformed;
    NodeRange node;
    if (!in.u16(node.port) || !in.u64(node.min) || !in.u64(node.max))
      return Step::need_more;
    node.address = address;
    out.nodes.push_back(std::move(node));
  }
}

Step
decode_fields(WireReader& in, const DecodeLimits& limits, Request& out)
{
  Shape shape = shape_of(out.command);
  Step s = Step::ok;
  if (has_channel(shape))
    s = decode_field(in, out.channel, limits.max_channel);
  if (s == Step::ok && has_key(shape))
    s = decode_field(in, out.key, limits.max_key);
  if (s == Step::ok && has_key_max(shape))
    s = decode_field(in, out.key_max, limits.max_key);
  if (s == Step::ok && has_value(shape)) {
    std::size_t max_len = is_batch(out.command) ? limits.max_batch : limits.max_value;
    s = decode_payload(in, out.value, max_len, limits.max_discard);
  }
  if (s == Step::ok && shape == Shape::redistribute)
    s = decode_nodes(in, limits, out);
  return s;
}

void
reset(Request& out, Command command)
{
  out.command = command;
  out.channel = out.key = out.key_max = out.value = {};
  out.min = out.max = 0;
  out.nodes.clear();
}

} // namespace

DecodeResult
decode_request(std::string_view input, const DecodeLimits& limits, Request& out)
{
  WireReader in(input);
  std::int32_t code = 0;
  if (!in.i32(code))
    return {DecodeStatus::need_more, 0, 0};
  if (!known_command(code))
    return {DecodeStatus::malformed, 0, 0};
  reset(out, static_cast<Command>(code));
  return decode_result(decode_fields(in, limits, out), in);
}

void
encode_request(const Request& request, std::string& out)
{
  WireWriter w(out);
  w.i32(static_cast<std::int32_t>(request.command));
  Shape shape = shape_of(request.command);
  if (has_channel(shape))
    w.array(request.channel);
  if (has_key(shape))
    w.array(request.key);
  if (has_key_max(shape))
    w.array(request.key_max);
  if (has_value(shape))
    w.array(request.value);
  if (shape != Shape::redistribute)
    return;
  w.u64(request.min);
  w.u64(request.max);
  for (const NodeRange& node : request.nodes) {
    w.array(node.address);
    w.u16(node.port);
    w.u64(node.min);
    w.u64(node.max);
  }
  w.array({}); // the empty address ends the list
}

void
encode_put(std::string_view channel, std::uint64_t key, std::string_view value, std::string& out)
{
  char hex[core::key_hex_digits];
  core::format_key(key, hex);
  Request r;
  r.command = Command::put;
  r.channel = channel;
  r.key = std::string_view(hex, sizeof hex);
  r.value = value;
  encode_request(r, out);
}

void
encode_keyed(Command command, std::string_view channel, std::uint64_t key, std::string& out)
{
  char hex[core::key_hex_digits];
  core::format_key(key, hex);
  Request r;
  r.command = command;
  r.channel = channel;
  r.key = std::string_view(hex, sizeof hex);
  encode_request(r, out);
}

} // namespace shoal::proto
