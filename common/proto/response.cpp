// Response encoding and decoding: every command maps to one response shape, walked by both
// the server-side encoder and the client-side reader.
#include "proto/response.hpp"

#include "proto/wire.hpp"

namespace shoal::proto {

namespace {
using Shape = ResponseShape;
} // namespace

ResponseShape
response_shape(Command command)
{
  switch (command) {
  case Command::get:
  case Command::get_version:
  case Command::get_stats: return Shape::value;
  case Command::exists: return Shape::exists;
  case Command::get_size:
  case Command::get_channel_size: return Shape::size;
  case Command::get_num_connections: return Shape::connections;
  case Command::get_responsible_range: return Shape::range;
  case Command::get_channels: return Shape::channels;
  case Command::put:
  case Command::put_dup:
  case Command::log_put_batch:
  case Command::remove:
  case Command::remove_channel:
  case Command::redistribute:
  case Command::put_batch:
  case Command::listen: // streams: the items follow the status separately
  case Command::get_all:
  case Command::get_all_keys:
  case Command::get_all_filter:
  case Command::get_range:
  case Command::get_range_filter: return Shape::status_only;
  }
  return Shape::status_only;
}

namespace {

// Reads an array; too long is malformed for a client (it cannot skip what it asked for).
ReadStatus
array(WireReader& in, std::uint64_t max_len, std::string_view& out)
{
  switch (in.array(out, max_len)) {
  case ArrayStatus::ok: return ReadStatus::complete;
  case ArrayStatus::need_more: return ReadStatus::need_more;
  case ArrayStatus::too_long: return ReadStatus::malformed;
  }
  return ReadStatus::malformed;
}

ReadStatus
read_node(WireReader& in, Response& out)
{
  if (ReadStatus s = array(in, max_address_length, out.address); s != ReadStatus::complete)
    return s;
  return in.u16(out.port) ? ReadStatus::complete : ReadStatus::need_more;
}

ReadStatus
read_channels(WireReader& in, const ReadLimits& limits, Response& out)
{
  for (;;) {
    std::string_view name;
    if (ReadStatus s = array(in, limits.max_array, name); s != ReadStatus::complete)
      return s;
    if (name.empty())
      return ReadStatus::complete;
    if (out.channels.size() >= limits.max_channels)
      return ReadStatus::malformed;
    out.channels.push_back(name);
  }
}

ReadStatus
read_fields(Shape shape, WireReader& in, const ReadLimits& limits, Response& out)
{
  constexpr ReadStatus more = ReadStatus::need_more;
  ReadStatus s = ReadStatus::complete;
  switch (shape) {
  case Shape::status_only: return ReadStatus::complete;
  case Shape::value: return array(in, limits.max_array, out.value);
  case Shape::exists: return in.boolean(out.exists) ? s : more;
  case Shape::size:
    if (s = read_node(in, out); s != ReadStatus::complete)
      return s;
    return in.u64(out.records) && in.u64(out.bytes) ? s : more;
  case Shape::connections:
  case Shape::limit:
    if (s = read_node(in, out); s != ReadStatus::complete)
      return s;
    return in.u64(shape == Shape::limit ? out.limit : out.connections) ? s : more;
  case Shape::range: return in.u64(out.min) && in.u64(out.max) ? s : more;
  case Shape::channels: return read_channels(in, limits, out);
  }
  return ReadStatus::malformed;
}

// Clears out for a new response, keeping the channel list's capacity.
void
reset(Response& out)
{
  std::vector<std::string_view> channels = std::move(out.channels);
  channels.clear();
  out = Response{};
  out.channels = std::move(channels);
}

void
write_fields(Shape shape, const Response& r, WireWriter& w)
{
  switch (shape) {
  case Shape::status_only: break;
  case Shape::value: w.array(r.value); break;
  case Shape::exists: w.boolean(r.exists); break;
  case Shape::size:
  case Shape::connections:
  case Shape::limit:
    w.array(r.address);
    w.u16(r.port);
    if (shape != Shape::size) {
      w.u64(shape == Shape::limit ? r.limit : r.connections);
      break;
    }
    w.u64(r.records);
    w.u64(r.bytes);
    break;
  case Shape::range:
    w.u64(r.min);
    w.u64(r.max);
    break;
  case Shape::channels:
    for (std::string_view name : r.channels)
      w.array(name);
    w.array({}); // the empty name ends the list
    break;
  }
}

} // namespace

void
write_status(StatusCode status, std::string& out)
{
  WireWriter(out).i32(static_cast<std::int32_t>(status));
}

void
encode_response(ResponseShape shape, const Response& response, std::string& out)
{
  WireWriter w(out);
  w.i32(static_cast<std::int32_t>(response.status));
  if (response.status == StatusCode::ok)
    write_fields(shape, response, w);
}

void
encode_response(Command command, const Response& response, std::string& out)
{
  encode_response(response_shape(command), response, out);
}

ReadResult
read_response(Command command, std::string_view input, const ReadLimits& limits, Response& out)
{
  return read_response(response_shape(command), input, limits, out);
}

ReadResult
read_response(ResponseShape shape, std::string_view input, const ReadLimits& limits, Response& out)
{
  WireReader in(input);
  std::int32_t code = 0;
  if (!in.i32(code))
    return {ReadStatus::need_more, 0};
  if (!known_status(code))
    return {ReadStatus::malformed, 0};
  reset(out);
  out.status = static_cast<StatusCode>(code);
  ReadStatus s = ReadStatus::complete;
  if (out.status == StatusCode::ok)
    s = read_fields(shape, in, limits, out);
  return {s, s == ReadStatus::complete ? in.consumed() : 0};
}

ReadResult
read_array(std::string_view input, std::uint64_t max_len, std::string_view& out)
{
  WireReader in(input);
  ReadStatus s = array(in, max_len, out);
  return {s, s == ReadStatus::complete ? in.consumed() : 0};
}

ReadResult
read_pair(std::string_view input,
          std::uint64_t max_len,
          std::string_view& key,
          std::string_view& value)
{
  WireReader in(input);
  ReadStatus s = array(in, max_len, key);
  if (s == ReadStatus::complete)
    s = array(in, max_len, value);
  return {s, s == ReadStatus::complete ? in.consumed() : 0};
}

} // namespace shoal::proto
