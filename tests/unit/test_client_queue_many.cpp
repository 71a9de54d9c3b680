// Unit tests for client::Queue and the producers' back-pressure: round-robin push and pop with
// fail-over past dead and full nodes, merged Consume streams, SpreadProducer, and a Producer
// whose node stops reading.
#include "client_test_util.hpp"
#include "fake_queue_node.hpp"

#include "client/queue.hpp"
#include "client/run_sync.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <set>

using namespace shoal;
using client::Queue;
using client::Reply;
using test::FakeQueueNode;
using test::run_until;

namespace {

// A node that accepts one connection, answers Ok to its first request and then never reads:
// the kernel's buffers fill up and the client's writes stop completing.
class SilentNode
{
public:
  SilentNode()
  {
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int small = 4096; // inherited by the accepted socket: fills quickly
    ::setsockopt(m_listen, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(m_listen, 4) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    endpoint = net::Endpoint{"127.0.0.1", ntohs(addr.sin_port)};
  }
  ~SilentNode()
  {
    if (m_conn >= 0)
      ::close(m_conn);
    ::close(m_listen);
  }

  // Accepts the connection and answers Ok once its request is in (polled from a timer).
  void poll()
  {
    if (m_conn < 0)
      m_conn = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK);
    if (m_conn < 0 || m_answered)
      return;
    char request[64];
    if (::read(m_conn, request, sizeof request) <= 0)
      return; // Produce, "jobs": 4 + 8 + 4 bytes, in one piece on loopback
    const char ok[4] = {char(200), 0, 0, 0};
    m_answered = ::write(m_conn, ok, sizeof ok) == 4;
  }
  // Reads whatever has arrived; returns the byte count.
  std::size_t drain()
  {
    std::size_t total = 0;
    char buffer[65536];
    ssize_t n;
    while (m_conn >= 0 && (n = ::read(m_conn, buffer, sizeof buffer)) > 0)
      total += static_cast<std::size_t>(n);
    return total;
  }
  bool answered() const { return m_answered; }

  net::Endpoint endpoint;

private:
  int m_listen = -1;
  int m_conn = -1;
  bool m_answered = false;
};

std::vector<net::Endpoint>
endpoints(const std::vector<FakeQueueNode*>& nodes)
{
  std::vector<net::Endpoint> out;
  for (auto* n : nodes)
    out.push_back(n->endpoint);
  return out;
}

// "r<i>" (built with append: gcc 12 warns falsely about operator+ on a literal here).
std::string
record(int i)
{
  return std::string("r").append(std::to_string(i));
}

net::Endpoint
dead_endpoint(net::Loop& loop)
{
  FakeQueueNode gone(loop);
  net::Endpoint e = gone.endpoint;
  gone.shut();
  return e;
}

} // namespace

TEST_CASE("client::Producer stops being writable while its node does not read", "[client][queue]")
{
  net::Loop loop;
  SilentNode node;
  net::Timer poll(loop);
  poll.start(1, 1, [&] { node.poll(); });
  client::NodeClientOptions opts;
  opts.max_unsent_bytes = 64 * 1024;
  client::QueueNodeClient c(loop, node.endpoint, opts);
  bool ended = false;
  auto producer = c.produce("jobs", [&](Reply<void>) { ended = true; });
  const std::string chunk(16 * 1024, 'x');
  std::size_t pushed = 0, notified = 0;
  auto fill = [&] {
    while (producer->writable()) {
      producer->push(chunk);
      pushed += chunk.size();
    }
  };
  producer->on_writable([&] {
    ++notified;
    fill();
  });
  fill();
  run_until(loop, [&] { return producer->started(); });
  // Writable again as long as the kernel takes bytes; then it stays off.
  std::size_t last = 0;
  std::uint64_t quiet_since = loop.now();
  run_until(
      loop,
      [&] {
        if (pushed != last) {
          last = pushed;
          quiet_since = loop.now();
        }
        return loop.now() - quiet_since > 300;
      },
      30000);
  CHECK_FALSE(producer->writable());
  CHECK(producer->unsent_bytes() >= opts.max_unsent_bytes);
  CHECK(pushed > opts.max_unsent_bytes);
  CHECK_FALSE(ended);
  // The node reads again: the producer is told that it may write more.
  std::size_t before = notified, read = 0;
  net::Timer reader(loop);
  reader.start(1, 1, [&] { read += node.drain(); });
  run_until(loop, [&] { return notified > before; });
  CHECK(read > 0);
  reader.stop();
  poll.stop();
}

TEST_CASE("client::Queue pushes round-robin and skips a dead node", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode a(loop), b(loop), c(loop);
  SECTION("all alive: an even spread")
  {
    Queue q(loop, endpoints({&a, &b, &c}));
    int ok = 0;
    for (int i = 0; i < 30; ++i)
      q.push("jobs", record(i), [&](Reply<void> r) { ok += r.ok(); });
    run_until(loop, [&] { return ok == 30; });
    CHECK(a.channels["jobs"].size() == 10);
    CHECK(b.channels["jobs"].size() == 10);
    CHECK(c.channels["jobs"].size() == 10);
  }
  SECTION("one dead node: every record lands on the others")
  {
    std::vector<net::Endpoint> nodes = {a.endpoint, dead_endpoint(loop), c.endpoint};
    Queue q(loop, nodes);
    int ok = 0, failed = 0;
    for (int i = 0; i < 30; ++i)
      q.push("jobs", "r", [&](Reply<void> r) { (r.ok() ? ok : failed)++; });
    run_until(loop, [&] { return ok + failed == 30; });
    CHECK(ok == 30);
    CHECK(a.channels["jobs"].size() + c.channels["jobs"].size() == 30);
  }
  SECTION("a full node passes the record on; a refused record is not retried")
  {
    b.size_limit = 0;
    Queue q(loop, endpoints({&a, &b}));
    for (int i = 0; i < 4; ++i)
      REQUIRE(client::run_sync<void>(loop, [&](auto cb) { q.push("jobs", "r", cb); }).ok());
    CHECK(a.channels["jobs"].size() == 4);
    auto empty = client::run_sync<void>(loop, [&](auto cb) { q.push("jobs", "", cb); });
    CHECK(empty.status() == proto::StatusCode::empty_value);
    CHECK(b.received.size() == 2); // it refused the two records it was offered first
    CHECK(a.received.size() == 5); // the four records, and the empty one, refused for good
  }
  SECTION("every node fails: the last failure, named as such")
  {
    a.size_limit = b.size_limit = 0;
    Queue q(loop, endpoints({&a, &b}));
    auto full = client::run_sync<void>(loop, [&](auto cb) { q.push("jobs", "r", cb); });
    REQUIRE_FALSE(full.ok());
    CHECK(full.status() == proto::StatusCode::out_of_memory);
    CHECK(full.error().message.rfind("all 2 nodes failed Push; the last: node ", 0) == 0);
    auto multi = client::run_sync<void>(loop, [&](auto cb) { q.push_multi({"x", "y"}, "r", cb); });
    CHECK(multi.status() == proto::StatusCode::out_of_memory);
  }
  a.shut();
  b.shut();
  c.shut();
}

TEST_CASE("client::Queue pops from the next node that has a record", "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode a(loop), b(loop);
  b.channels["jobs"] = {"one", "two"};
  {
    Queue q(loop, endpoints({&a, &b}));
    std::vector<std::string> got;
    for (int i = 0; i < 3; ++i) {
      auto r =
          client::run_sync<std::optional<std::string>>(loop, [&](auto cb) { q.pop("jobs", cb); });
      REQUIRE(r.ok());
      got.push_back(r->value_or("(empty)"));
    }
    CHECK(got == std::vector<std::string>{"one", "two", "(empty)"});
  }
  {
    std::vector<net::Endpoint> nodes = {a.endpoint, dead_endpoint(loop)};
    Queue q(loop, nodes);
    auto r =
        client::run_sync<std::optional<std::string>>(loop, [&](auto cb) { q.pop("jobs", cb); });
    CHECK(r.error().code == core::Errc::unavailable); // the dead node may hold records
  }
  a.shut();
  b.shut();
}

TEST_CASE("client::Queue merges every node's Consume and answers all-node requests",
          "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode a(loop), b(loop);
  a.channels["jobs"] = {"a1", "a2"};
  b.channels["jobs"] = {"b1"};
  b.channels["other"] = {"o"};
  {
    Queue q(loop, endpoints({&a, &b}));
    auto names =
        client::run_sync<std::vector<std::string>>(loop, [&](auto cb) { q.get_channels(cb); });
    CHECK(*names == std::vector<std::string>{"jobs", "other"});
    auto sizes = client::run_sync<std::vector<client::NodeSize>>(
        loop, [&](auto cb) { q.get_sizes("jobs", cb); });
    REQUIRE(sizes->size() == 2);
    CHECK((*sizes)[0].records == 2);
    CHECK((*sizes)[1].records == 1);
    auto limits =
        client::run_sync<std::vector<std::uint64_t>>(loop, [&](auto cb) { q.get_size_limits(cb); });
    CHECK(limits->size() == 2);
    auto versions =
        client::run_sync<std::vector<std::string>>(loop, [&](auto cb) { q.get_versions(cb); });
    CHECK(*versions == std::vector<std::string>(2, std::string(proto::api_version)));

    std::multiset<std::string> got;
    std::optional<Reply<void>> done;
    q.consume(
        "jobs", [&](std::string_view v) { got.emplace(v); },
        [&](Reply<void> r) { done.emplace(std::move(r)); });
    run_until(loop, [&] { return got.size() == 3; });
    CHECK(got == std::multiset<std::string>{"a1", "a2", "b1"});
    REQUIRE(client::run_sync<void>(loop, [&](auto cb) { q.remove_channel("jobs", cb); }).ok());
    run_until(loop, [&] { return done.has_value(); });
    CHECK(done->ok());
  }
  a.shut();
  b.shut();
}

TEST_CASE("client::Queue: a Consume fails with its first node and cancels the others",
          "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode a(loop), b(loop);
  {
    Queue q(loop, endpoints({&a, &b}));
    std::optional<Reply<void>> done;
    q.consume(
        "jobs", [](std::string_view) {}, [&](Reply<void> r) { done.emplace(std::move(r)); });
    run_until(loop, [&] { return a.consumers("jobs") == 1 && b.consumers("jobs") == 1; });
    a.drop_connections();
    run_until(loop, [&] { return done.has_value(); });
    CHECK(done->error().code == core::Errc::closed);
    run_until(loop, [&] { return b.consumers("jobs") == 0; });
  }
  a.shut();
  b.shut();
}

TEST_CASE("client::SpreadProducer spreads records and goes on without a failed node",
          "[client][queue]")
{
  net::Loop loop;
  FakeQueueNode a(loop), b(loop);
  SECTION("two nodes")
  {
    Queue q(loop, endpoints({&a, &b}));
    std::optional<Reply<void>> done;
    auto producer = q.produce("jobs", [&](Reply<void> r) { done.emplace(std::move(r)); });
    for (int i = 0; i < 100; ++i)
      producer->push(record(i));
    producer->finish();
    run_until(loop, [&] { return done.has_value(); });
    REQUIRE(done->ok());
    CHECK(producer->records() == 100);
    CHECK(a.channels["jobs"].size() == 50);
    CHECK(b.channels["jobs"].size() == 50);
  }
  SECTION("a dead node")
  {
    std::vector<net::Endpoint> nodes = {a.endpoint, dead_endpoint(loop)};
    Queue q(loop, nodes);
    std::optional<Reply<void>> done;
    auto producer = q.produce("jobs", [&](Reply<void> r) { done.emplace(std::move(r)); });
    run_until(loop, [&] { return producer->part(0).started() && producer->part(1).ended(); });
    for (int i = 0; i < 10; ++i)
      producer->push("r");
    producer->finish();
    run_until(loop, [&] { return done.has_value(); });
    CHECK(done->error().code == core::Errc::unavailable); // reported at the end
    CHECK(a.channels["jobs"].size() == 10);
  }
  a.shut();
  b.shut();
}
