// Unit tests for common/net: endpoints, and a real echo server and client on the loop.
#include "server/lag_gauge.hpp"

#include "net/connection.hpp"
#include "net/endpoint.hpp"
#include "net/tcp_server.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace shoal;
using namespace shoal::net;

TEST_CASE("net::parse_endpoint", "[net]")
{
  auto e = parse_endpoint("127.0.0.1:8080");
  REQUIRE(e.ok());
  CHECK(e->host == "127.0.0.1");
  CHECK(e->port == 8080);
  CHECK(e->str() == "127.0.0.1:8080");
  auto v6 = parse_endpoint("[::1]:0");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->str() == "[::1]:0");
  CHECK(parse_endpoint("localhost:1").ok());
  CHECK_FALSE(parse_endpoint("127.0.0.1").ok());
  CHECK_FALSE(parse_endpoint("127.0.0.1:65536").ok());
  CHECK_FALSE(parse_endpoint("127.0.0.1:x").ok());
  CHECK_FALSE(parse_endpoint("example.com:80").ok());
  CHECK_FALSE(parse_endpoint("::1:80").ok());
}

namespace {
struct Echo : StreamHandler {
  void on_data(Connection& c) override
  {
    c.output().append(c.input().view());
    c.input().consume(c.input().size());
  }
};

struct Collect : StreamHandler {
  std::string got;
  std::size_t want = 0;
  Connection* conn = nullptr;
  bool peer_closed = false;
  void on_data(Connection& c) override
  {
    got.append(c.input().view());
    c.input().consume(c.input().size());
    if (got.size() >= want) {
      c.close();
      conn = nullptr;
    }
  }
  void on_close(Connection&) override { peer_closed = true; }
};
} // namespace

TEST_CASE("net::TcpServer echoes a pipelined stream larger than the buffers", "[net]")
{
  Loop loop;
  Endpoint bound;
  {
    TcpServer server(loop, [](Connection&) { return std::make_unique<Echo>(); });
    auto listening = server.listen(Endpoint{"127.0.0.1", 0});
    REQUIRE(listening.ok());
    bound = *listening;
    CHECK(bound.port != 0);

    Collect client;
    std::string payload;
    for (int i = 0; payload.size() < 3 * 1024 * 1024; ++i)
      payload += "line " + std::to_string(i) + "\n";
    client.want = payload.size();
    bool connected = false;
    client.conn = Connection::connect(loop, bound, &client, [&](core::Status s) {
      REQUIRE(s.ok());
      connected = true;
      client.conn->output() = payload;
      client.conn->flush();
    });
    Timer stop(loop);
    // The client closes itself once everything came back; then close the server.
    stop.start(10, 10, [&] {
      if (client.got.size() >= client.want) {
        server.stop_listening();
        server.close_all();
        stop.stop();
      }
    });
    loop.run();
    CHECK(connected);
    CHECK(client.got == payload);
    CHECK(server.connections() == 0);
  }
}

TEST_CASE("net::Connection::connect reports a refused connection", "[net]")
{
  Loop loop;
  // Bind a port, then free it, so that nothing listens there.
  Endpoint dead;
  {
    TcpServer server(loop, [](Connection&) { return std::make_unique<Echo>(); });
    dead = *server.listen(Endpoint{"127.0.0.1", 0});
  }
  Collect client;
  std::string error;
  Connection::connect(loop, dead, &client, [&](core::Status s) {
    REQUIRE_FALSE(s.ok());
    error = s.error().message;
  });
  loop.run();
  CHECK(error.find("cannot connect") != std::string::npos);
}

TEST_CASE("net::Async wakes the loop from another thread", "[net]")
{
  Loop loop;
  int calls = 0;
  std::unique_ptr<Async> async;
  async = std::make_unique<Async>(loop, [&] {
    ++calls;
    async.reset(); // closing it lets the loop end
  });
  std::thread sender([&] { async->send(); });
  sender.join();
  loop.run();
  CHECK(calls == 1);
}

TEST_CASE("server::LagGauge: lagging once the stream waited, until nearly all is taken", "[net]")
{
  using shoal::server::LagGauge;
  LagGauge gauge;
  constexpr std::size_t low = LagGauge::caught_up_backlog;
  CHECK_FALSE(gauge.judge(0));        // a new reply: nothing known, uncompressed
  CHECK_FALSE(gauge.judge(64 << 20)); // much queued, but the stream never had to wait
  gauge.waiting();                    // the queue filled up: the client lags
  CHECK(gauge.judge(0));              // whatever the backlog at that pump
  CHECK(gauge.judge(low + 1));        // not caught up: still lagging
  CHECK_FALSE(gauge.judge(low));      // caught up
  CHECK_FALSE(gauge.judge(low + 1));  // and so it stays until the stream waits again
}
