// Unit tests for client::QueueNodeClient against a fake queue node: pipelining, statuses, every
// single request, Consume streams (cut at every byte, ended by a removal, refused) and Produce
// streams (records, the end barrier, refusal, a dropped link).
#include "client_test_util.hpp"
#include "fake_queue_node.hpp"

#include "client/queue_node_client.hpp"
#include "client/run_sync.hpp"

#include <catch2/catch.hpp>

using namespace shoal;
using client::QueueNodeClient;
using client::Reply;
using test::FakeQueueNode;
using test::run_until;

TEST_CASE("client::QueueNodeClient pipelines pushes and pops, answered in order", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  {
    QueueNodeClient c(loop, node.endpoint);
    int pushed = 0;
    for (int i = 0; i < 100; ++i)
      c.push("jobs", "job " + std::to_string(i), [&](Reply<void> r) { pushed += r.ok(); });
    std::vector<std::string> popped;
    for (int i = 0; i < 101; ++i)
      c.pop("jobs", [&](Reply<std::optional<std::string>> r) {
        REQUIRE(r.ok());
        popped.push_back(r->value_or("(empty)"));
      });
    CHECK(pushed == 0); // callbacks never run inside the call
    run_until(loop, [&] { return popped.size() == 101; });
    CHECK(pushed == 100);
    for (int i = 0; i < 100; ++i)
      CHECK(popped[i] == "job " + std::to_string(i));
    CHECK(popped.back() == "(empty)");
    CHECK(node.accepted == 1);
    CHECK(node.most_in_one_read > 1);
    CHECK(c.pending_requests() == 0);
  }
  node.shut();
}

TEST_CASE("client::QueueNodeClient answers every single request", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  node.channels["b"] = {"xy"};
  {
    QueueNodeClient c(loop, node.endpoint);
    auto multi = client::run_sync<void>(loop, [&](auto cb) {
      c.push_multi({"a", "b", "c"}, "v", cb);
    });
    REQUIRE(multi.ok());
    CHECK(node.channels["a"] == std::deque<std::string>{"v"});
    CHECK(node.channels["b"] == std::deque<std::string>{"xy", "v"});
    auto names =
        client::run_sync<std::vector<std::string>>(loop, [&](auto cb) { c.get_channels(cb); });
    CHECK(*names == std::vector<std::string>{"a", "b", "c"});
    auto size = client::run_sync<client::NodeSize>(loop, [&](auto cb) { c.get_size(cb); });
    CHECK(size->records == 4);
    CHECK(size->bytes == 5);
    CHECK(size->address == "127.0.0.1");
    CHECK(size->port == node.endpoint.port);
    auto b =
        client::run_sync<client::NodeSize>(loop, [&](auto cb) { c.get_channel_size("b", cb); });
    CHECK(b->records == 2);
    node.size_limit = 12345;
    auto limit = client::run_sync<std::uint64_t>(loop, [&](auto cb) { c.get_size_limit(cb); });
    CHECK(*limit == 12345);
    auto conns = client::run_sync<std::uint64_t>(loop, [&](auto cb) { c.get_num_connections(cb); });
    CHECK(*conns == 1);
    auto version = client::run_sync<std::string>(loop, [&](auto cb) { c.get_version(cb); });
    CHECK(*version == proto::api_version);
    auto stats =
        client::run_sync<std::vector<std::string>>(loop, [&](auto cb) { c.get_stats(cb); });
    CHECK(*stats == std::vector<std::string>{"records:1", "bytes:2"});
    auto removed = client::run_sync<void>(loop, [&](auto cb) { c.remove_channel("b", cb); });
    CHECK(removed.ok());
    CHECK(node.channels.count("b") == 0);
  }
  node.shut();
}

TEST_CASE("client::QueueNodeClient turns statuses into errors and stays usable", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  node.size_limit = 4;
  {
    QueueNodeClient c(loop, node.endpoint);
    auto full = client::run_sync<void>(loop, [&](auto cb) { c.push("q", "12345", cb); });
    REQUIRE_FALSE(full.ok());
    CHECK(full.status() == proto::StatusCode::out_of_memory);
    CHECK(full.error().code == core::Errc::unavailable);
    CHECK(full.error().message == "node " + node.endpoint.str() + " answered OutOfMemory to Push");
    auto empty = client::run_sync<void>(loop, [&](auto cb) { c.push("q", "", cb); });
    CHECK(empty.status() == proto::StatusCode::empty_value);
    auto none =
        client::run_sync<std::optional<std::string>>(loop, [&](auto cb) { c.pop("q", cb); });
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
  }
  node.shut();
}

TEST_CASE("client::QueueNodeClient reports a silent node by the request's name", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  node.script = [](const proto::QueueRequest&, net::Connection&) { return true; };
  {
    client::NodeClientOptions opts;
    opts.request_timeout_ms = 50;
    QueueNodeClient c(loop, node.endpoint, opts);
    auto r = client::run_sync<std::uint64_t>(loop, [&](auto cb) { c.get_size_limit(cb); });
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == core::Errc::timeout);
    CHECK(r.error().message ==
          "node " + node.endpoint.str() + " did not answer GetSizeLimit within 50 ms");
  }
  node.shut();
}

TEST_CASE("client::ConsumeStream decodes values cut at every byte boundary", "[client][queue]")
{
  std::string wire;
  proto::write_status(proto::StatusCode::ok, wire);
  std::vector<std::string> values = {"a", std::string(300, 'b'), std::string("\0\n\t", 3), "d"};
  for (const auto& v : values)
    proto::WireWriter(wire).array(v);
  proto::WireWriter(wire).array({});
  for (std::size_t cut = 0; cut <= wire.size(); ++cut)
    for (std::size_t second = cut; second <= wire.size(); second += 7) {
      std::vector<std::string> got;
      std::optional<Reply<void>> done;
      client::ConsumeStream stream(
          {}, [&](std::string_view v) { got.emplace_back(v); },
          [&](Reply<void> r) { done.emplace(std::move(r)); });
      REQUIRE(test::feed(stream, wire, {cut, second}) == client::Parse::done);
      stream.finish();
      REQUIRE(done);
      CHECK(done->ok());
      CHECK(got == values);
    }
  std::string refused;
  proto::write_status(proto::StatusCode::bad_channel_name, refused);
  std::optional<Reply<void>> done;
  client::ConsumeStream stream(
      {}, [](std::string_view) {}, [&](Reply<void> r) { done.emplace(r); });
  REQUIRE(test::feed(stream, refused, {}) == client::Parse::done);
  stream.finish();
  CHECK(done->status() == proto::StatusCode::bad_channel_name);
  CHECK(done->error().message == "node 127.0.0.1:1 answered BadChannelName to Consume");
  client::NodeClientOptions opts;
  std::string huge;
  proto::write_status(proto::StatusCode::ok, huge);
  proto::WireWriter(huge).u64(opts.limits.max_array + 1);
  client::ConsumeStream bad(
      {}, [](std::string_view) {}, [](Reply<void>) {});
  CHECK(test::feed(bad, huge, {}) == client::Parse::malformed);
}

TEST_CASE("client::QueueNodeClient consumes until the channel is removed", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  node.channels["jobs"] = {"old 1", "old 2"};
  {
    QueueNodeClient c(loop, node.endpoint);
    std::vector<std::string> got;
    std::optional<Reply<void>> done;
    int started = 0;
    std::size_t values_when_started = 99;
    c.consume(
        "jobs", [&](std::string_view v) { got.emplace_back(v); },
        [&](Reply<void> r) { done.emplace(std::move(r)); },
        [&] {
          ++started;
          values_when_started = got.size();
        });
    CHECK(c.streams() == 1);
    CHECK(started == 0); // never inside the call
    run_until(loop, [&] { return got.size() == 2; });
    CHECK(started == 1);
    CHECK(values_when_started == 0); // the node's Ok comes before the records
    // Single requests go on their own connection meanwhile.
    for (int i = 0; i < 3; ++i)
      REQUIRE(client::run_sync<void>(loop, [&](auto cb) {
                c.push("jobs", "new " + std::to_string(i), cb);
              }).ok());
    run_until(loop, [&] { return got.size() == 5; });
    CHECK(got == std::vector<std::string>{"old 1", "old 2", "new 0", "new 1", "new 2"});
    CHECK(node.accepted == 2);
    REQUIRE(client::run_sync<void>(loop, [&](auto cb) { c.remove_channel("jobs", cb); }).ok());
    run_until(loop, [&] { return done.has_value(); });
    CHECK(done->ok());
    CHECK(c.streams() == 0);
  }
  node.shut();
}

TEST_CASE("client::QueueNodeClient: a refused or cancelled Consume", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  node.script = [](const proto::QueueRequest& r, net::Connection& conn) {
    if (r.command != proto::QueueCommand::consume || r.channel != "bad@")
      return false;
    proto::write_status(proto::StatusCode::bad_channel_name, conn.output());
    return true;
  };
  {
    QueueNodeClient c(loop, node.endpoint);
    auto refused = client::run_sync<void>(loop, [&](auto cb) {
      c.consume(
          "bad@", [](std::string_view) { FAIL("a value"); }, cb, [] { FAIL("started"); });
    });
    CHECK(refused.status() == proto::StatusCode::bad_channel_name);
    bool ended = false;
    auto id = c.consume(
        "jobs", [](std::string_view) {}, [&](Reply<void>) { ended = true; });
    run_until(loop, [&] { return node.consumers("jobs") == 1; });
    c.cancel(id);
    CHECK(c.streams() == 0);
    run_until(loop, [&] { return node.consumers("jobs") == 0; });
    CHECK_FALSE(ended);
  }
  node.shut();
}

TEST_CASE("client::Producer streams records and knows when the node has read them",
          "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  {
    QueueNodeClient c(loop, node.endpoint);
    std::optional<Reply<void>> done;
    auto producer = c.produce("jobs", [&](Reply<void> r) { done.emplace(std::move(r)); });
    CHECK_FALSE(producer->started());
    CHECK(producer->writable()); // records wait in memory until the node accepts the stream
    for (int i = 0; i < 10; ++i)
      producer->push("early " + std::to_string(i));
    run_until(loop, [&] { return producer->started(); });
    for (int i = 0; i < 1000; ++i)
      producer->push("record " + std::to_string(i));
    producer->finish();
    producer->push("ignored after finish");
    CHECK_FALSE(producer->writable());
    run_until(loop, [&] { return done.has_value(); });
    REQUIRE(done->ok());
    CHECK(producer->ended());
    CHECK(producer->records() == 1010);
    REQUIRE(node.produced.size() == 1010);
    CHECK(node.produced.front() == "early 0");
    CHECK(node.produced.back() == "record 999");
    CHECK(node.produce_ends == 1);
    CHECK(node.channels["jobs"].size() == 1010);
    // The barrier after the end was answered on the same connection.
    CHECK(node.received.back() == proto::QueueCommand::get_num_connections);
  }
  node.shut();
}

TEST_CASE("client::Producer: ProduceMulti, finish before the start, refusal, lost link",
          "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  {
    QueueNodeClient c(loop, node.endpoint);
    std::optional<Reply<void>> done;
    auto multi = c.produce_multi({"a", "b"}, [&](Reply<void> r) { done.emplace(std::move(r)); });
    multi->push("both");
    multi->finish(); // before the node answered: the end follows the backlog
    run_until(loop, [&] { return done.has_value(); });
    CHECK(done->ok());
    CHECK(node.channels["a"] == std::deque<std::string>{"both"});
    CHECK(node.channels["b"] == std::deque<std::string>{"both"});

    node.script = [](const proto::QueueRequest& r, net::Connection& conn) {
      if (r.command != proto::QueueCommand::produce || r.channel != "refused")
        return false;
      proto::write_status(proto::StatusCode::bad_channel_name, conn.output());
      return true;
    };
    done.reset();
    auto refused = c.produce("refused", [&](Reply<void> r) { done.emplace(std::move(r)); });
    refused->push("lost");
    run_until(loop, [&] { return done.has_value(); });
    CHECK(done->status() == proto::StatusCode::bad_channel_name);
    CHECK(done->error().message ==
          "node " + node.endpoint.str() + " answered BadChannelName to Produce");
    CHECK_FALSE(refused->writable());

    done.reset();
    auto dropped = c.produce("jobs", [&](Reply<void> r) { done.emplace(std::move(r)); });
    run_until(loop, [&] { return dropped->started(); });
    node.drop_connections();
    run_until(loop, [&] { return done.has_value(); });
    CHECK(done->error().code == core::Errc::closed);
  }
  node.shut();
}

TEST_CASE("client::Producer may be destroyed inside its done callback", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode node(loop);
  {
    QueueNodeClient c(loop, node.endpoint);
    std::unique_ptr<client::Producer> producer;
    bool done = false;
    producer = c.produce("jobs", [&](Reply<void> r) {
      CHECK(r.ok());
      producer.reset();
      done = true;
    });
    producer->push("x");
    producer->finish();
    run_until(loop, [&] { return done; });
    CHECK(node.channels["jobs"].size() == 1);
  }
  node.shut();
}
