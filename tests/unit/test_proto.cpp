// Unit tests for common/proto: codes, wire primitives and the request and response codecs,
// including hostile, truncated and pipelined input (batches: test_proto_batch.cpp).
#include "proto/codes.hpp"
#include "proto/request.hpp"
#include "proto/response.hpp"
#include "proto/wire.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace shoal::proto;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

const std::string big_value(1000, 'v');

Request
make(Command c, std::string_view channel = {}, std::string_view key = {}, std::string_view v = {})
{
  Request r;
  r.command = c;
  r.channel = channel;
  r.key = key;
  r.value = v;
  return r;
}

// One request of every command, with realistic fields.
std::vector<Request>
sample_requests()
{
  constexpr std::string_view key = "0123456789abcdef";
  std::vector<Request> all = {
      make(Command::put, "users", key, "hello"),
      make(Command::put, "big", key, big_value),
      make(Command::get, "users", key),
      make(Command::exists, "users", key),
      make(Command::remove, "users", key),
      make(Command::get_channels),
      make(Command::get_channel_size, "users"),
      make(Command::get_size),
      make(Command::get_responsible_range),
      make(Command::remove_channel, "users"),
      make(Command::get_num_connections),
      make(Command::get_version),
      make(Command::listen, "users"),
      make(Command::get_all, "users"),
      make(Command::get_all_keys, "users"),
      make(Command::get_all_filter, "users", {}, "needle"),
      make(Command::put_batch, "users", {}, "\x05\0\0\0\0\0\0\0batch"sv),
      make(Command::get_stats),
      make(Command::put_dup, "log", key, "line"),
      make(Command::get_range, "log", key),
      make(Command::get_range_filter, "log", key, "needle"),
      make(Command::log_put_batch, "log", {}, "\x05\0\0\0\0\0\0\0batch"sv),
      make(Command::redistribute),
  };
  for (Request& r : all)
    if (r.command == Command::get_range || r.command == Command::get_range_filter)
      r.key_max = "fedcba9876543210";
  Request& redist = all.back();
  redist.min = 0x1000;
  redist.max = 0x7fffffffffffffffULL;
  redist.nodes = {{"10.0.0.1", 10000, 0, 0xfff},
                  {"node-b.example", 10001, 0x8000000000000000ULL, ~0ULL}};
  return all;
}

std::string
encode(const Request& r)
{
  std::string out;
  encode_request(r, out);
  return out;
}

// A frame with a command code followed by raw bytes.
std::string
frame(Command c, const std::string& rest)
{
  std::string out;
  WireWriter(out).i32(static_cast<std::int32_t>(c));
  return out + rest;
}

std::string
u64_bytes(std::uint64_t v)
{
  std::string out;
  WireWriter(out).u64(v);
  return out;
}

std::string
arr(std::string_view s)
{
  std::string out;
  WireWriter(out).array(s);
  return out;
}

} // namespace

TEST_CASE("proto::valid_channel_name", "[proto]")
{
  CHECK(valid_channel_name("a"));
  CHECK(valid_channel_name("Users_2024-v1"));
  CHECK(valid_channel_name(std::string(236, 'x')));
  CHECK_FALSE(valid_channel_name(std::string(237, 'x')));
  CHECK_FALSE(valid_channel_name(""));
  CHECK_FALSE(valid_channel_name("a b"));
  CHECK_FALSE(valid_channel_name("a@b"));
  CHECK_FALSE(valid_channel_name("a/b"));
  CHECK_FALSE(valid_channel_name("caf\xc3\xa9"));
  CHECK_FALSE(valid_channel_name("a\0b"sv));
}

TEST_CASE("proto::codes have names", "[proto]")
{
  CHECK(command_name(Command::put) == "Put");
  CHECK(command_name(Command::get_all) == "GetAll");
  CHECK(command_name(Command::get_stats) == "GetStats");
  CHECK(command_name(static_cast<Command>(2)) == "Unknown");
  CHECK(status_name(StatusCode::value_too_big) == "ValueTooBig");
  CHECK(status_name(static_cast<StatusCode>(201)) == "Unknown");
  CHECK(known_command(34));
  CHECK_FALSE(known_command(0));
  CHECK_FALSE(known_command(-1));
  CHECK(known_status(404));
  CHECK_FALSE(known_status(401));
}

TEST_CASE("proto::WireReader never reads past the end", "[proto]")
{
  std::string buf = u64_bytes(~0ULL) + "abc";
  WireReader r(buf);
  std::string_view out;
  CHECK(r.array(out, ~0ULL) == ArrayStatus::need_more); // 2^64-1 must not wrap
  CHECK(r.consumed() == 0);
  CHECK(r.array(out, 10) == ArrayStatus::too_long);
  CHECK(r.announced() == ~0ULL);
  CHECK(r.consumed() == 8);
  std::int32_t i = 0;
  CHECK_FALSE(r.i32(i));
  std::uint16_t p = 0;
  CHECK(r.u16(p));
  CHECK(p == ('a' | 'b' << 8));
  bool b = false;
  CHECK(r.boolean(b));
  CHECK(b);
  CHECK_FALSE(r.boolean(b));
  CHECK(r.consumed() == buf.size());
}

TEST_CASE("proto::encode_request writes the legacy layout", "[proto]")
{
  std::string out;
  encode_put("ch", 0xabcULL, "val", out);
  CHECK(out == frame(Command::put, arr("ch") + arr("0000000000000abc") + arr("val")));
  out.clear();
  encode_keyed(Command::get, "ch", 1, out);
  CHECK(out == frame(Command::get, arr("ch") + arr("0000000000000001")));
  CHECK(encode(make(Command::get_version)) == "\x18\0\0\0"sv);
  Request range = make(Command::get_range_filter, "ch", "0000000000000001", "f");
  range.key_max = "0000000000000002";
  CHECK(encode(range) == frame(Command::get_range_filter, arr("ch") + arr("0000000000000001") +
                                                              arr("0000000000000002") + arr("f")));
  Request redist = make(Command::redistribute);
  redist.min = 1;
  redist.max = 2;
  redist.nodes = {{"h", 7, 3, 4}};
  CHECK(encode(redist) ==
        frame(Command::redistribute, u64_bytes(1) + u64_bytes(2) + arr("h") + "\x07\0"s +
                                         u64_bytes(3) + u64_bytes(4) + arr("")));
}

TEST_CASE("proto::decode_request round-trips every command", "[proto]")
{
  for (const Request& r : sample_requests()) {
    INFO(command_name(r.command));
    std::string wire = encode(r);
    Request out;
    DecodeResult res = decode_request(wire, {}, out);
    REQUIRE(res.status == DecodeStatus::complete);
    CHECK(res.consumed == wire.size());
    CHECK(out == r);
  }
}

TEST_CASE("proto::decode_request says need_more for every prefix", "[proto]")
{
  for (const Request& r : sample_requests()) {
    INFO(command_name(r.command));
    std::string wire = encode(r);
    Request out;
    for (std::size_t n = 0; n < wire.size(); ++n) {
      // A copy of exactly n bytes so that ASan catches any read past the prefix.
      std::string prefix = wire.substr(0, n);
      DecodeResult res = decode_request(prefix, {}, out);
      INFO("prefix " << n);
      REQUIRE(res.status == DecodeStatus::need_more);
      REQUIRE(res.consumed == 0);
    }
  }
}

TEST_CASE("proto::decode_request reads pipelined requests", "[proto]")
{
  std::vector<Request> all = sample_requests();
  std::string wire;
  for (const Request& r : all)
    wire += encode(r);
  std::string_view rest = wire;
  Request out;
  for (const Request& r : all) {
    DecodeResult res = decode_request(rest, {}, out);
    REQUIRE(res.status == DecodeStatus::complete);
    CHECK(out == r);
    rest.remove_prefix(res.consumed);
  }
  CHECK(rest.empty());
  CHECK(decode_request(rest, {}, out).status == DecodeStatus::need_more);
}

TEST_CASE("proto::decode_request rejects malformed frames", "[proto]")
{
  Request out;
  auto status = [&](const std::string& wire, const DecodeLimits& limits = {}) {
    return decode_request(wire, limits, out).status;
  };
  for (std::int32_t code : {0, 2, 26, 63, 65, -1, 0x7fffffff}) {
    std::string wire;
    WireWriter(wire).i32(code);
    CHECK(status(wire) == DecodeStatus::malformed);
  }
  // Lengths are judged as soon as the prefix is there, before any of the bytes.
  CHECK(status(frame(Command::get, u64_bytes(4097))) == DecodeStatus::malformed);
  CHECK(status(frame(Command::get, u64_bytes(1ULL << 63))) == DecodeStatus::malformed);
  CHECK(status(frame(Command::get, arr("ch") + u64_bytes(65))) == DecodeStatus::malformed);
  CHECK(status(frame(Command::put, arr("ch") + arr("k") + u64_bytes(1ULL << 63))) ==
        DecodeStatus::malformed);
  CHECK(status(frame(Command::put, arr("ch") + arr("k") + u64_bytes(~0ULL))) ==
        DecodeStatus::malformed);

  Request redist = make(Command::redistribute);
  redist.nodes = {{"a", 1, 0, 1}, {"b", 2, 2, 3}, {"c", 3, 4, 5}};
  DecodeLimits two_nodes;
  two_nodes.max_nodes = 2;
  CHECK(status(encode(redist), two_nodes) == DecodeStatus::malformed);
  redist.nodes.pop_back();
  CHECK(status(encode(redist), two_nodes) == DecodeStatus::complete);
  redist.nodes = {{std::string(256, 'h'), 1, 0, 1}};
  CHECK(status(encode(redist)) == DecodeStatus::malformed);
  redist.nodes = {{std::string(255, 'h'), 1, 0, 1}};
  CHECK(status(encode(redist)) == DecodeStatus::complete);
}

TEST_CASE("proto::decode_request leaves semantic checks to the server", "[proto]")
{
  Request out;
  std::string wire = encode(make(Command::put, "bad name!", "XYZ", "v"));
  REQUIRE(decode_request(wire, {}, out).status == DecodeStatus::complete);
  CHECK(out.channel == "bad name!");
  CHECK(out.key == "XYZ");
  wire = encode(make(Command::put, std::string(4096, 'c'), "k", ""));
  CHECK(decode_request(wire, {}, out).status == DecodeStatus::complete);
}

TEST_CASE("proto::decode_request reports oversize values for discarding", "[proto]")
{
  DecodeLimits limits;
  Request out;
  std::string head = frame(Command::put, arr("users") + arr("0123456789abcdef"));
  std::string wire = head + u64_bytes(limits.max_value + 1);
  DecodeResult res = decode_request(wire, limits, out);
  REQUIRE(res.status == DecodeStatus::oversize);
  CHECK(res.consumed == head.size() + 8);
  CHECK(res.discard == limits.max_value + 1);
  CHECK(out.command == Command::put);
  CHECK(out.channel == "users");
  CHECK(out.key == "0123456789abcdef");

  // Followed by the value bytes and a next request: skipping keeps the stream in sync.
  wire += std::string(limits.max_value + 1, 'x') + encode(make(Command::get_version));
  res = decode_request(wire, limits, out);
  REQUIRE(res.status == DecodeStatus::oversize);
  std::string_view rest = std::string_view(wire).substr(res.consumed + res.discard);
  CHECK(decode_request(rest, limits, out).status == DecodeStatus::complete);
  CHECK(out.command == Command::get_version);

  std::string exact = head + arr(std::string(limits.max_value, 'x'));
  CHECK(decode_request(exact, limits, out).status == DecodeStatus::complete);
  wire = head + u64_bytes(limits.max_discard);
  CHECK(decode_request(wire, limits, out).discard == limits.max_discard);
  wire = head + u64_bytes(limits.max_discard + 1);
  CHECK(decode_request(wire, limits, out).status == DecodeStatus::malformed);

  wire = frame(Command::get_all_filter, arr("ch") + u64_bytes(limits.max_value + 5));
  res = decode_request(wire, limits, out);
  CHECK(res.status == DecodeStatus::oversize);
  CHECK(res.consumed == wire.size());
  CHECK(res.discard == limits.max_value + 5);
  wire = frame(Command::put_batch, arr("ch") + u64_bytes(limits.max_batch + 1));
  CHECK(decode_request(wire, limits, out).status == DecodeStatus::oversize);
  wire = frame(Command::put_batch, arr("ch") + arr(std::string(limits.max_batch, 'b')));
  CHECK(decode_request(wire, limits, out).status == DecodeStatus::complete);
}

namespace {

// Encodes response to command and checks that it reads back whole, and that every prefix
// of it reads as need_more.
void
check_response_round_trip(Command command, const Response& response)
{
  INFO(command_name(command) << " " << status_name(response.status));
  std::string wire;
  encode_response(command, response, wire);
  Response out;
  ReadResult res = read_response(command, wire, {}, out);
  REQUIRE(res.status == ReadStatus::complete);
  CHECK(res.consumed == wire.size());
  CHECK(out == response);
  for (std::size_t n = 0; n < wire.size(); ++n) {
    std::string prefix = wire.substr(0, n);
    REQUIRE(read_response(command, prefix, {}, out).status == ReadStatus::need_more);
  }
}

} // namespace

TEST_CASE("proto::read_response decodes every response shape", "[proto]")
{
  Response r;
  r.status = StatusCode::ok;
  for (Command c : {Command::put, Command::remove, Command::put_batch, Command::get_all})
    check_response_round_trip(c, r);
  Response value = r;
  value.value = "the value";
  check_response_round_trip(Command::get, value);
  check_response_round_trip(Command::get, r); // empty value: no record
  value.value = api_version;
  check_response_round_trip(Command::get_version, value);
  value.value = "records:3\nbytes:12\n";
  check_response_round_trip(Command::get_stats, value);
  Response exists = r;
  exists.exists = true;
  check_response_round_trip(Command::exists, exists);
  Response size = r;
  size.address = "127.0.0.1";
  size.port = 10000;
  size.records = 3;
  size.bytes = 1ULL << 40;
  check_response_round_trip(Command::get_size, size);
  check_response_round_trip(Command::get_channel_size, size);
  Response conns = r;
  conns.address = "::1";
  conns.port = 1;
  conns.connections = 17;
  check_response_round_trip(Command::get_num_connections, conns);
  Response range = r;
  range.min = 5;
  range.max = ~0ULL;
  check_response_round_trip(Command::get_responsible_range, range);
  Response channels = r;
  channels.channels = {"a", "users", "x-y_z"};
  check_response_round_trip(Command::get_channels, channels);
  check_response_round_trip(Command::get_channels, r);
}

TEST_CASE("proto::read_response: non-Ok statuses carry no fields", "[proto]")
{
  std::string wire;
  write_status(StatusCode::bad_channel_name, wire);
  CHECK(wire == "\x99\x01\0\0"sv);
  Response out;
  ReadResult res = read_response(Command::get, wire, {}, out);
  CHECK(res.status == ReadStatus::complete);
  CHECK(res.consumed == 4);
  CHECK(out.status == StatusCode::bad_channel_name);
  Response refused;
  refused.status = StatusCode::wrong_node;
  refused.value = "ignored";
  Response failed;
  failed.status = StatusCode::error;
  check_response_round_trip(Command::get_size, failed);
  wire.clear();
  encode_response(Command::get, refused, wire);
  CHECK(wire.size() == 4);
}

TEST_CASE("proto::read_response rejects malformed responses", "[proto]")
{
  Response out;
  std::string wire;
  WireWriter(wire).i32(201);
  CHECK(read_response(Command::put, wire, {}, out).status == ReadStatus::malformed);
  wire.clear();
  write_status(StatusCode::ok, wire);
  std::string big = wire + u64_bytes(1ULL << 62);
  CHECK(read_response(Command::get, big, {}, out).status == ReadStatus::malformed);
  ReadLimits two;
  two.max_channels = 2;
  std::string list = wire + arr("a") + arr("b") + arr("c") + arr("");
  CHECK(read_response(Command::get_channels, list, two, out).status == ReadStatus::malformed);
}

TEST_CASE("proto::read_array and read_pair read stream items", "[proto]")
{
  std::string wire = arr("k1") + arr("v1") + arr("") + arr("");
  std::string_view rest = wire, key, value;
  ReadResult res = read_pair(rest, 100, key, value);
  REQUIRE(res.status == ReadStatus::complete);
  CHECK((key == "k1" && value == "v1"));
  rest.remove_prefix(res.consumed);
  for (std::size_t n = 0; n < rest.size(); ++n)
    CHECK(read_pair(rest.substr(0, n), 100, key, value).status == ReadStatus::need_more);
  res = read_pair(rest, 100, key, value);
  CHECK((res.status == ReadStatus::complete && key.empty() && value.empty()));
  std::string batch = arr("batch");
  CHECK(read_array(batch, 100, value).consumed == 13);
  CHECK(value == "batch");
  CHECK(read_array(batch, 4, value).status == ReadStatus::malformed);
  CHECK(read_array("\x05\0\0\0"sv, 100, value).status == ReadStatus::need_more);
}
