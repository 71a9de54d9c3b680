// Unit tests for the queue codec of common/proto: codes and names, the SUBSCRIBER@CHANNEL form,
// request round trips, truncated, malformed, oversize and pipelined input, Produce stream items
// and the responses of every queue command.
#include "proto/queue_codes.hpp"
#include "proto/queue_request.hpp"
#include "proto/queue_response.hpp"
#include "proto/wire.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace shoal::proto;
using namespace std::string_view_literals;

namespace {

using QC = QueueCommand;

const std::string big_value(5000, 'v');

QueueRequest
make(QC c, std::string_view channel = {}, std::string_view value = {})
{
  QueueRequest r;
  r.command = c;
  r.channel = channel;
  r.value = value;
  return r;
}

QueueRequest
make_multi(QC c, std::vector<std::string_view> channels, std::string_view value = {})
{
  QueueRequest r = make(c, {}, value);
  r.channels = std::move(channels);
  return r;
}

// One request of every command, with realistic fields.
std::vector<QueueRequest>
sample_requests()
{
  return {
      make(QC::push, "jobs", "hello"),
      make(QC::push, "big", big_value),
      make(QC::push, "bin", "\0\n\xff"sv),
      make(QC::pop, "jobs"),
      make(QC::get_channels),
      make(QC::get_channel_size, "jobs"),
      make(QC::get_size),
      make(QC::consume, "jobs"),
      make(QC::consume, "mailer@jobs"),
      make(QC::get_size_limit),
      make(QC::get_num_connections),
      make_multi(QC::push_multi, {"a", "b", "c"}, "to all"),
      make_multi(QC::push_multi, {}, "to none"),
      make(QC::produce, "jobs"),
      make_multi(QC::produce_multi, {"a", "b"}),
      make(QC::remove_channel, "jobs"),
      make(QC::get_version),
      make(QC::get_stats),
  };
}

std::string
encode(const QueueRequest& r)
{
  std::string out;
  encode_queue_request(r, out);
  return out;
}

std::string
code(std::int32_t c)
{
  std::string out;
  WireWriter(out).i32(c);
  return out;
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

DecodeResult
decode(std::string_view wire, QueueRequest& out, const QueueDecodeLimits& limits = {})
{
  return decode_queue_request(wire, limits, out);
}

} // namespace

TEST_CASE("proto queue codes have names and are known", "[proto][queue]")
{
  CHECK(queue_command_name(QC::push) == "Push");
  CHECK(queue_command_name(QC::produce_multi) == "ProduceMulti");
  CHECK(queue_command_name(QC::get_stats) == "GetStats");
  CHECK(queue_command_name(static_cast<QC>(13)) == "Unknown");
  for (std::int32_t c = -2; c < 100; ++c) {
    bool legacy = c >= 1 && c <= 12;
    CHECK(known_queue_command(c) == (legacy || c == 24 || c == 64));
  }
}

TEST_CASE("proto::parse_consume_target splits SUBSCRIBER@CHANNEL", "[proto][queue]")
{
  auto plain = parse_consume_target("jobs");
  REQUIRE(plain);
  CHECK(plain->subscriber.empty());
  CHECK(plain->channel == "jobs");
  auto named = parse_consume_target("mailer-1@jobs_2");
  REQUIRE(named);
  CHECK(named->subscriber == "mailer-1");
  CHECK(named->channel == "jobs_2");
  for (std::string_view bad :
       {""sv, "@jobs"sv, "mailer@"sv, "a@b@c"sv, "a b@c"sv, "a@b c"sv, "@"sv})
    CHECK_FALSE(parse_consume_target(bad));
  CHECK_FALSE(parse_consume_target(std::string(237, 'x')));
  CHECK(consume_target("mailer", "jobs") == "mailer@jobs");
  CHECK(consume_target("", "jobs") == "jobs");
}

TEST_CASE("proto::decode_queue_request round-trips every command", "[proto][queue]")
{
  for (const QueueRequest& sent : sample_requests()) {
    INFO(queue_command_name(sent.command));
    std::string wire = encode(sent);
    QueueRequest got;
    DecodeResult res = decode(wire, got);
    REQUIRE(res.status == DecodeStatus::complete);
    CHECK(res.consumed == wire.size());
    CHECK(got == sent);
  }
}

TEST_CASE("proto::decode_queue_request wants more for every strict prefix", "[proto][queue]")
{
  for (const QueueRequest& sent : sample_requests()) {
    INFO(queue_command_name(sent.command));
    std::string wire = encode(sent);
    QueueRequest got;
    for (std::size_t n = 0; n < wire.size(); ++n) {
      DecodeResult res = decode(std::string_view(wire).substr(0, n), got);
      REQUIRE(res.status == DecodeStatus::need_more);
      CHECK(res.consumed == 0);
    }
  }
}

TEST_CASE("proto::decode_queue_request reads pipelined requests one by one", "[proto][queue]")
{
  std::string wire;
  auto all = sample_requests();
  for (const auto& r : all)
    encode_queue_request(r, wire);
  std::string_view rest = wire;
  QueueRequest got;
  for (const auto& sent : all) {
    DecodeResult res = decode(rest, got);
    REQUIRE(res.status == DecodeStatus::complete);
    CHECK(got == sent);
    rest.remove_prefix(res.consumed);
  }
  CHECK(rest.empty());
}

TEST_CASE("proto::decode_queue_request refuses what is not a queue request", "[proto][queue]")
{
  QueueRequest got;
  CHECK(decode(code(0), got).status == DecodeStatus::malformed);
  CHECK(decode(code(13), got).status == DecodeStatus::malformed);
  CHECK(decode(code(25), got).status == DecodeStatus::malformed); // the DHT's Listen
  CHECK(decode(code(-1), got).status == DecodeStatus::malformed);

  QueueDecodeLimits limits;
  limits.max_channel = 8;
  limits.max_channels = 2;
  // A channel name over the limit is malformed as soon as its length is readable.
  CHECK(decode(code(1) + u64_bytes(9), got, limits).status == DecodeStatus::malformed);
  CHECK(decode(code(1) + arr("12345678") + u64_bytes(1), got, limits).status ==
        DecodeStatus::need_more);
  CHECK(decode(code(9) + arr("a") + u64_bytes(~0ull), got, limits).status ==
        DecodeStatus::malformed);
  // Too many channels in a list.
  std::string three = code(9) + arr("a") + arr("b") + arr("c") + arr("") + arr("v");
  CHECK(decode(three, got, limits).status == DecodeStatus::malformed);
  std::string two = code(11) + arr("a") + arr("b") + arr("");
  CHECK(decode(two, got, limits).status == DecodeStatus::complete);
  CHECK(got.channels == std::vector<std::string_view>{"a", "b"});
  // An absurd value length is malformed, not a 2^64-byte discard.
  CHECK(decode(code(1) + arr("ch") + u64_bytes(~0ull), got).status == DecodeStatus::malformed);
}

TEST_CASE("proto::decode_queue_request: oversize values can be skipped", "[proto][queue]")
{
  QueueDecodeLimits limits;
  limits.max_value = 100;
  limits.max_discard = 1000;
  QueueRequest got;
  std::string head = code(1) + arr("ch");
  std::string wire = head + arr(std::string(500, 'x')) + encode(make(QC::pop, "ch"));
  // Only the length prefix is needed to decide.
  DecodeResult res = decode(std::string_view(wire).substr(0, head.size() + 8), got, limits);
  REQUIRE(res.status == DecodeStatus::oversize);
  CHECK(res.consumed == head.size() + 8);
  CHECK(res.discard == 500);
  CHECK(got.command == QC::push);
  CHECK(got.channel == "ch");
  // The stream stays in sync after the discarded bytes.
  std::string_view rest = std::string_view(wire).substr(res.consumed + res.discard);
  REQUIRE(decode(rest, got, limits).status == DecodeStatus::complete);
  CHECK(got == make(QC::pop, "ch"));
  // PushMulti: the channels come first and are kept.
  std::string multi = code(9) + arr("a") + arr("b") + arr("") + arr(std::string(101, 'y'));
  res = decode(multi, got, limits);
  REQUIRE(res.status == DecodeStatus::oversize);
  CHECK(got.channels == std::vector<std::string_view>{"a", "b"});
  CHECK(res.consumed + res.discard == multi.size());
  // Beyond max_discard the peer is not worth reading.
  CHECK(decode(head + u64_bytes(1001), got, limits).status == DecodeStatus::malformed);
  // A value of exactly max_value is fine.
  CHECK(decode(head + arr(std::string(100, 'z')), got, limits).status == DecodeStatus::complete);
}

TEST_CASE("proto::decode_produce_item reads a Produce stream", "[proto][queue]")
{
  QueueDecodeLimits limits;
  limits.max_value = 10;
  limits.max_discard = 100;
  std::string wire;
  encode_produce_item("one", wire);
  encode_produce_item(std::string(50, 'x'), wire);
  encode_produce_item("two", wire);
  encode_produce_end(wire);
  wire += code(2); // the connection carries requests again

  std::vector<std::string> got;
  std::size_t oversized = 0;
  std::string_view rest = wire;
  for (;;) {
    std::string_view value;
    DecodeResult res = decode_produce_item(rest, limits, value);
    if (res.status == DecodeStatus::oversize) {
      ++oversized;
      rest.remove_prefix(res.consumed + res.discard);
      continue;
    }
    REQUIRE(res.status == DecodeStatus::complete);
    rest.remove_prefix(res.consumed);
    if (value.empty())
      break;
    got.emplace_back(value);
  }
  CHECK(got == std::vector<std::string>{"one", "two"});
  CHECK(oversized == 1);
  CHECK(rest == code(2));
  std::string_view value;
  CHECK(decode_produce_item("\x03\0\0\0\0\0\0"sv, limits, value).status == DecodeStatus::need_more);
  CHECK(decode_produce_item(arr("ab").substr(0, 9), limits, value).status ==
        DecodeStatus::need_more);
  CHECK(decode_produce_item(u64_bytes(101), limits, value).status == DecodeStatus::malformed);
}

TEST_CASE("proto queue responses: every shape round-trips, prefixes want more", "[proto][queue]")
{
  struct Case {
    QC command;
    Response response;
  };
  std::vector<Case> cases;
  auto ok = [] {
    Response r;
    r.status = StatusCode::ok;
    return r;
  };
  Response pop = ok();
  pop.value = "record";
  Response none = ok(); // nothing to pop
  Response channels = ok();
  channels.channels = {"a", "jobs"};
  Response size = ok();
  size.address = "127.0.0.1";
  size.port = 4000;
  size.records = 3;
  size.bytes = 42;
  Response limit = ok();
  limit.address = "127.0.0.1";
  limit.port = 4000;
  limit.limit = 1ull << 26;
  Response conns = ok();
  conns.address = "::1";
  conns.port = 1;
  conns.connections = 7;
  Response version = ok();
  version.value = api_version;
  Response refused;
  refused.status = StatusCode::out_of_memory;
  cases = {{QC::push, ok()},
           {QC::push, refused},
           {QC::pop, pop},
           {QC::pop, none},
           {QC::get_channels, channels},
           {QC::get_channel_size, size},
           {QC::get_size, size},
           {QC::consume, ok()},
           {QC::get_size_limit, limit},
           {QC::get_num_connections, conns},
           {QC::push_multi, ok()},
           {QC::produce, ok()},
           {QC::produce_multi, ok()},
           {QC::remove_channel, ok()},
           {QC::get_version, version},
           {QC::get_stats, pop}};
  for (const auto& [command, sent] : cases) {
    INFO(queue_command_name(command));
    std::string wire;
    encode_response(command, sent, wire);
    Response got;
    ReadResult res = read_response(command, wire, {}, got);
    REQUIRE(res.status == ReadStatus::complete);
    CHECK(res.consumed == wire.size());
    CHECK(got == sent);
    for (std::size_t n = 0; n < wire.size(); ++n)
      REQUIRE(read_response(command, std::string_view(wire).substr(0, n), {}, got).status ==
              ReadStatus::need_more);
  }
  // GetSizeLimit's wire layout is address, port, u64: the DHT's GetNumConnections layout.
  std::string a, b;
  encode_response(QC::get_size_limit, limit, a);
  Response as_conns = limit;
  as_conns.connections = limit.limit;
  encode_response(ResponseShape::connections, as_conns, b);
  CHECK(a == b);
}

TEST_CASE("proto queue: a Consume stream is a status then values", "[proto][queue]")
{
  std::string wire;
  write_status(StatusCode::ok, wire);
  WireWriter w(wire);
  w.array("first");
  w.array("second");
  w.array({});
  Response status;
  ReadResult res = read_response(QC::consume, wire, {}, status);
  REQUIRE(res.status == ReadStatus::complete);
  CHECK(res.consumed == 4);
  std::string_view rest = std::string_view(wire).substr(4), value;
  std::vector<std::string_view> got;
  for (;;) {
    ReadResult item = read_array(rest, 1 << 20, value);
    REQUIRE(item.status == ReadStatus::complete);
    rest.remove_prefix(item.consumed);
    if (value.empty())
      break;
    got.push_back(value);
  }
  CHECK(got == std::vector<std::string_view>{"first", "second"});
  CHECK(rest.empty());
}
