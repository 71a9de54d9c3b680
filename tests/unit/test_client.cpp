// Unit tests for client::NodeClient against a fake node: pipelining, statuses, dropped links,
// timeouts, the window, streams on their own connections, Listen and authentication.
#include "fake_dht_node.hpp"

#include "client/node_client.hpp"
#include "client/run_sync.hpp"

#include <catch2/catch.hpp>

using namespace shoal;
using client::NodeClient;
using client::Reply;
using test::FakeDhtNode;

namespace {
// Runs the loop until done() holds, or fails the test after a few seconds.
void
run_until(net::Loop& loop, const std::function<bool()>& done)
{
  net::Timer poll(loop);
  std::uint64_t start = loop.now();
  poll.start(1, 1, [&] {
    if (done() || loop.now() - start > 5000)
      loop.stop();
  });
  loop.run();
  REQUIRE(done());
}

// "v<k>" (built with append: gcc 12 warns falsely about operator+ on a literal here).
std::string
value_of(std::uint64_t k)
{
  return std::string("v").append(std::to_string(k));
}

std::string
key_hex(std::uint64_t key)
{
  return core::key_to_hex(key);
}
} // namespace

TEST_CASE("client::NodeClient pipelines requests on one connection, answered in order", "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  for (std::uint64_t k = 0; k < 100; ++k)
    node.channels["ch"][k] = value_of(k);
  {
    NodeClient c(loop, node.endpoint);
    std::vector<std::string> got;
    for (std::uint64_t k = 0; k < 100; ++k)
      c.get("ch", k, [&got](Reply<std::optional<std::string>> r) {
        REQUIRE(r.ok());
        got.push_back(r->value_or("-"));
      });
    bool missing = false;
    c.get("ch", 1000,
          [&](Reply<std::optional<std::string>> r) { missing = r.ok() && !r->has_value(); });
    CHECK(got.empty()); // callbacks never run inside the call
    run_until(loop, [&] { return got.size() == 100 && missing; });
    for (std::uint64_t k = 0; k < 100; ++k)
      CHECK(got[k] == value_of(k));
    CHECK(node.accepted == 1);
    CHECK(node.most_in_one_read > 1); // the requests arrived back to back
    CHECK(c.pending_requests() == 0);
  }
  node.shut();
}

TEST_CASE("client::NodeClient turns a non-Ok status into an error that keeps the status",
          "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  node.script = [](const proto::Request& r, net::Connection& conn) {
    if (r.command != proto::Command::put)
      return false;
    proto::write_status(proto::StatusCode::wrong_node, conn.output());
    return true;
  };
  {
    NodeClient c(loop, node.endpoint);
    auto put = client::run_sync<void>(loop, [&](auto cb) { c.put("ch", 1, "x", cb); });
    REQUIRE_FALSE(put.ok());
    CHECK(put.status() == proto::StatusCode::wrong_node);
    CHECK(put.error().code == core::Errc::unavailable);
    CHECK(put.error().message == "node " + node.endpoint.str() + " answered WrongNode to Put");
    // The connection stays usable.
    auto version = client::run_sync<std::string>(loop, [&](auto cb) { c.get_version(cb); });
    REQUIRE(version.ok());
    CHECK(*version == proto::api_version);
    CHECK(version.status() == proto::StatusCode::ok);
  }
  node.shut();
}

TEST_CASE("client::NodeClient fails every pending request when the link drops, then reconnects",
          "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  int seen = 0;
  node.script = [&](const proto::Request&, net::Connection& conn) {
    if (++seen == 3) {
      conn.close_after_flush(); // mid-pipeline: two answered, the rest lost
      return true;
    }
    return false;
  };
  {
    NodeClient c(loop, node.endpoint);
    int ok = 0, closed = 0;
    for (int i = 0; i < 6; ++i)
      c.exists("ch", 1, [&](Reply<bool> r) {
        if (r.ok())
          ++ok;
        else if (r.error().code == core::Errc::closed && r.status() == proto::StatusCode::undefined)
          ++closed;
      });
    run_until(loop, [&] { return ok + closed == 6; });
    CHECK(ok == 2);
    CHECK(closed == 4);
    auto again = client::run_sync<bool>(loop, [&](auto cb) { c.exists("ch", 1, cb); });
    CHECK(again.ok());
    CHECK(node.accepted == 2);
  }
  node.shut();
}

TEST_CASE("client::NodeClient reports an unreachable node and a silent one", "[client]")
{
  net::Loop loop;
  net::Endpoint dead;
  {
    FakeDhtNode gone(loop);
    dead = gone.endpoint;
    gone.shut();
  }
  {
    NodeClient c(loop, dead);
    auto r = client::run_sync<std::string>(loop, [&](auto cb) { c.get_version(cb); });
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == core::Errc::unavailable);
    CHECK(r.error().message.find("cannot connect") != std::string::npos);
  }
  FakeDhtNode silent(loop);
  silent.script = [](const proto::Request&, net::Connection&) { return true; };
  {
    client::NodeClientOptions opts;
    opts.request_timeout_ms = 50;
    NodeClient c(loop, silent.endpoint, opts);
    auto r = client::run_sync<std::string>(loop, [&](auto cb) { c.get_version(cb); });
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == core::Errc::timeout);
    CHECK(r.error().message ==
          "node " + silent.endpoint.str() + " did not answer GetVersion within 50 ms");
  }
  silent.shut();
}

TEST_CASE("client::NodeClient keeps at most max_in_flight requests on the wire", "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  // The node holds its answers and releases them every few milliseconds.
  std::string held;
  net::Connection* conn_seen = nullptr;
  std::size_t unanswered = 0, most = 0;
  node.script = [&](const proto::Request& r, net::Connection& conn) {
    conn_seen = &conn;
    proto::Response resp;
    resp.status = proto::StatusCode::ok;
    resp.value = proto::api_version;
    proto::encode_response(r.command, resp, held);
    most = std::max(most, ++unanswered);
    return true;
  };
  net::Timer release(loop);
  release.start(2, 2, [&] {
    if (conn_seen && !held.empty()) {
      conn_seen->output() += held;
      conn_seen->flush();
      held.clear();
      unanswered = 0;
    }
  });
  {
    client::NodeClientOptions opts;
    opts.max_in_flight = 4;
    NodeClient c(loop, node.endpoint, opts);
    int done = 0;
    for (int i = 0; i < 50; ++i)
      c.get_version([&](Reply<std::string> r) { done += r.ok(); });
    run_until(loop, [&] { return done == 50; });
    CHECK(most <= 4);
    CHECK(most >= 2);
  }
  release.stop();
  node.shut();
}

TEST_CASE("client::NodeClient runs streams on their own connections", "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  net::Connection* listener = nullptr;
  node.script = [&](const proto::Request& r, net::Connection& conn) {
    if (r.command != proto::Command::listen)
      return false;
    listener = &conn;
    proto::write_status(proto::StatusCode::ok, conn.output());
    return true;
  };
  {
    NodeClient c(loop, node.endpoint);
    std::vector<std::pair<std::uint64_t, std::optional<std::string>>> updates;
    std::optional<Reply<void>> ended;
    c.listen(
        "ch",
        [&](std::uint64_t key, std::optional<std::string_view> value) {
          updates.emplace_back(key, value ? std::optional<std::string>(*value) : std::nullopt);
        },
        [&](Reply<void> r) { ended.emplace(std::move(r)); });
    run_until(loop, [&] { return listener != nullptr; });
    // Single requests flow while the listener is open.
    auto put = client::run_sync<void>(loop, [&](auto cb) { c.put("ch", 5, "five", cb); });
    CHECK(put.ok());
    CHECK(node.accepted == 2);
    CHECK(c.streams() == 1);
    proto::WireWriter w(listener->output());
    w.array(key_hex(5));
    w.array("five");
    w.array(key_hex(6));
    w.array(""); // shoal's dhtnode reports a removal as the key with an empty value
    listener->flush();
    run_until(loop, [&] { return updates.size() == 2; });
    CHECK(updates[0] == std::pair<std::uint64_t, std::optional<std::string>>{5, "five"});
    CHECK(updates[1].first == 6);
    CHECK_FALSE(updates[1].second.has_value());
    CHECK_FALSE(ended.has_value());
    w.array("");
    w.array(""); // the channel was removed: the stream ends
    listener->flush();
    run_until(loop, [&] { return ended.has_value(); });
    CHECK(ended->ok());
    CHECK(c.streams() == 0);
  }
  node.shut();
}

TEST_CASE("client::NodeClient cancels a stream without calling it back", "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  node.script = [&](const proto::Request& r, net::Connection& conn) {
    if (r.command != proto::Command::listen)
      return false;
    proto::write_status(proto::StatusCode::ok, conn.output());
    return true;
  };
  {
    NodeClient c(loop, node.endpoint);
    bool called = false;
    auto id = c.listen(
        "ch", [&](std::uint64_t, std::optional<std::string_view>) { called = true; },
        [&](Reply<void>) { called = true; });
    run_until(loop, [&] { return node.received.size() == 1; });
    c.cancel(id);
    CHECK(c.streams() == 0);
    auto v = client::run_sync<std::string>(loop, [&](auto cb) { c.get_version(cb); });
    CHECK(v.ok());
    CHECK_FALSE(called);
  }
  node.shut();
}

TEST_CASE("client::NodeClient authenticates before sending requests", "[client]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  crypto::Key key{};
  key[3] = 42;
  node.credentials = crypto::Credentials{{"reader", key}};
  client::NodeClientOptions opts;
  SECTION("accepted")
  {
    opts.auth = client::AuthIdentity{"reader", key};
    NodeClient c(loop, node.endpoint, opts);
    auto v = client::run_sync<std::string>(loop, [&](auto cb) { c.get_version(cb); });
    REQUIRE(v.ok());
    CHECK(*v == proto::api_version);
    node.channels["ch"][1] = "one";
    std::vector<std::uint64_t> keys;
    auto all = client::run_sync<void>(loop, [&](auto cb) {
      c.get_all(
          "ch", [&](std::uint64_t k, std::string_view) { keys.push_back(k); }, cb);
    });
    CHECK(all.ok());
    CHECK(keys == std::vector<std::uint64_t>{1});
  }
  SECTION("refused")
  {
    crypto::Key wrong = key;
    wrong[0] ^= 1;
    opts.auth = client::AuthIdentity{"reader", wrong};
    NodeClient c(loop, node.endpoint, opts);
    int refused = 0;
    for (int i = 0; i < 3; ++i)
      c.get_version([&](Reply<std::string> r) {
        refused += !r.ok() && r.error().message == "node " + node.endpoint.str() +
                                                       " refused authentication as 'reader'";
      });
    run_until(loop, [&] { return refused == 3; });
    CHECK(node.received.empty());
  }
  node.shut();
}
