// Unit tests for the stream decoders of common/client: GetAll answers cut at every byte
// boundary, refused and corrupt streams, and a node that trickles a large answer.
#include "client_test_util.hpp"
#include "fake_dht_node.hpp"

#include "client/node_client.hpp"
#include "client/run_sync.hpp"

#include <catch2/catch.hpp>

using namespace shoal;
using client::NodeClient;
using client::Reply;
using test::FakeDhtNode;

using test::feed;

TEST_CASE("client::BatchStream decodes a GetAll stream cut at every byte boundary", "[client]")
{
  std::string wire;
  proto::write_status(proto::StatusCode::ok, wire);
  proto::BatchBuilder batch(256);
  std::vector<std::pair<std::uint64_t, std::string>> records;
  for (std::uint64_t k = 1; k <= 12; ++k)
    records.emplace_back(k * 0x1111, std::string(k * 5, char('a' + k)));
  for (const auto& [k, v] : records)
    if (!batch.add(k, v)) {
      batch.finish_array(wire);
      batch.add(k, v);
    }
  batch.finish_array(wire);
  proto::WireWriter(wire).array({});

  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    std::vector<std::pair<std::uint64_t, std::string>> got;
    std::optional<Reply<void>> done;
    client::BatchStream stream(
        proto::Command::get_all, {},
        [&](std::uint64_t k, std::string_view v) { got.emplace_back(k, std::string(v)); },
        [&](Reply<void> r) { done.emplace(std::move(r)); });
    std::vector<std::size_t> cuts{cut};
    REQUIRE(feed(stream, wire, cuts) == client::Parse::done);
    stream.finish();
    REQUIRE(done);
    CHECK(done->ok());
    CHECK(got == records);
  }
  // And one byte at a time.
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < wire.size(); ++i)
    every.push_back(i);
  std::size_t count = 0;
  client::BatchStream stream(
      proto::Command::get_all, {}, [&](std::uint64_t, std::string_view) { ++count; },
      [](Reply<void>) {});
  CHECK(feed(stream, wire, every) == client::Parse::done);
  CHECK(count == records.size());
}

TEST_CASE("client::BatchStream reports a refused stream and a corrupt batch", "[client]")
{
  std::string refused;
  proto::write_status(proto::StatusCode::bad_channel_name, refused);
  std::optional<Reply<void>> done;
  client::BatchStream stream(
      proto::Command::get_all_keys, {}, [](std::uint64_t, std::string_view) {},
      [&](Reply<void> r) { done.emplace(std::move(r)); });
  REQUIRE(feed(stream, refused, {}) == client::Parse::done);
  stream.finish();
  CHECK(done->status() == proto::StatusCode::bad_channel_name);
  CHECK(done->error().message == "node 127.0.0.1:1 answered BadChannelName to GetAllKeys");

  std::string corrupt;
  proto::write_status(proto::StatusCode::ok, corrupt);
  proto::WireWriter(corrupt).array("not an lzo batch");
  client::BatchStream bad(
      proto::Command::get_all, {}, [](std::uint64_t, std::string_view) {}, [](Reply<void>) {});
  CHECK(feed(bad, corrupt, {}) == client::Parse::malformed);
}

TEST_CASE("client::NodeClient streams GetAll from a node that trickles its answer", "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  std::map<std::uint64_t, std::string> expected;
  for (std::uint64_t k = 0; k < 3000; ++k)
    expected[k * 7919] = std::string(k % 50 + 1, char('a' + k % 26));
  node.channels["ch"] = expected;
  // The node computes its whole answer, then sends it in odd-sized pieces.
  std::string rest;
  net::Connection* streaming = nullptr;
  node.script = [&](const proto::Request& r, net::Connection& conn) {
    if (r.command != proto::Command::get_all)
      return false;
    node.answer(r, rest);
    streaming = &conn;
    return true;
  };
  net::Timer trickle(loop);
  std::size_t turn = 0;
  trickle.start(1, 1, [&] {
    if (!streaming || rest.empty())
      return;
    static constexpr std::size_t sizes[] = {1, 7, 3, 1000, 13, 2, 511};
    std::size_t n = std::min(rest.size(), sizes[turn++ % std::size(sizes)]);
    streaming->output().append(rest, 0, n);
    rest.erase(0, n);
    streaming->flush();
  });
  {
    NodeClient c(loop, node.endpoint);
    std::map<std::uint64_t, std::string> got;
    auto r = client::run_sync<void>(loop, [&](auto cb) {
      c.get_all(
          "ch", [&](std::uint64_t k, std::string_view v) { got.emplace(k, std::string(v)); }, cb);
    });
    CHECK(r.ok());
    CHECK(got == expected);
    CHECK(turn > 10);
  }
  trickle.stop();
  node.shut();
}

TEST_CASE("client::NodeClient may be destroyed inside its own callbacks", "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  for (std::uint64_t k = 0; k < 5000; ++k)
    node.channels["ch"][k] = "value";
  bool done = false;
  SECTION("a record callback")
  {
    auto c = std::make_unique<NodeClient>(loop, node.endpoint);
    std::size_t seen = 0;
    c->get_all(
        "ch",
        [&](std::uint64_t, std::string_view) {
          ++seen;
          c.reset(); // no more callbacks after this
          done = true;
        },
        [&](Reply<void>) { FAIL("done after destruction"); });
    net::Timer poll(loop);
    poll.start(1, 1, [&] {
      if (done)
        loop.stop();
    });
    loop.run();
    CHECK(seen == 1);
  }
  SECTION("a single answer, with more answers in the same read")
  {
    auto c = std::make_unique<NodeClient>(loop, node.endpoint);
    int answers = 0;
    for (int i = 0; i < 10; ++i)
      c->exists("ch", 1, [&](Reply<bool>) {
        ++answers;
        c.reset();
        done = true;
      });
    net::Timer poll(loop);
    poll.start(1, 1, [&] {
      if (done)
        loop.stop();
    });
    loop.run();
    CHECK(answers == 1);
  }
  node.shut();
}
