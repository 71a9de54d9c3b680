// Unit tests for the pure parts of ods-rpc-sync's RabbitMQ transport: AMQP URLs, the
// credentials file, the option checks, delivery tags with generations, the publisher-confirm
// bookkeeping and the back-off; and the transport itself where no broker listens (it keeps
// retrying, counts the failures, buffers publishes and stops at once). The broker tests are in
// tests/integration/test_amqp_transport.py.
#include "amqp_options.hpp"
#include "amqp_tag.hpp"
#include "amqp_transport.hpp"
#include "amqp_url.hpp"
#include "backoff.hpp"
#include "outgoing_buffer.hpp"
#include "temp_dir.hpp"

#include "net/loop.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

using namespace shoal::odsrpcsync;

namespace {

AmqpUrl
url(const std::string& text)
{
  auto u = parse_amqp_url(text);
  INFO(text << ": " << (u ? "" : u.error().message));
  REQUIRE(u.ok());
  return *u;
}

void
write_file(const std::string& path, const std::string& text)
{
  std::ofstream(path) << text;
}

AmqpOptions
valid_options()
{
  AmqpOptions o;
  o.url = "amqp://guest:guest@127.0.0.1:5672/";
  o.node_id = "node-1";
  return o;
}

// "m<i>" (built this way to dodge a gcc 12 -Wrestrict false positive on "m" + to_string).
std::string
msg(std::size_t i)
{
  std::string s = "m";
  s += std::to_string(i);
  return s;
}

// A loopback port nobody listens on (bound, then closed).
int
closed_port()
{
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

} // namespace

TEST_CASE("AMQP URLs are parsed with their defaults", "[ods_rpc_sync]")
{
  AmqpUrl u = url("amqp://alice:s3cret@broker.example:5673/prod");
  CHECK((!u.tls && u.user == "alice" && u.password == "s3cret"));
  CHECK((u.host == "broker.example" && u.port == 5673 && u.vhost == "prod"));

  u = url("amqp://127.0.0.1");
  CHECK((u.user == "guest" && u.password == "guest" && u.port == 5672 && u.vhost == "/"));
  CHECK(url("amqp://guest:guest@127.0.0.1:5672/").vhost == "/"); // as pika reads it
  CHECK(url("amqp://h/%2f").vhost == "/");
  CHECK(url("amqp://h/a%2Fb").vhost == "a/b");
  CHECK(url("AMQP://h").host == "h");

  u = url("amqps://h");
  CHECK((u.tls && u.port == 5671));
  u = url("amqp://u:p%40ss%3Aw@h"); // '@' and ':' in a password
  CHECK((u.user == "u" && u.password == "p@ss:w"));
  u = url("amqp://onlyuser@h");
  CHECK((u.user == "onlyuser" && u.password.empty()));
  u = url("amqp://a:b@c@h:1"); // the last '@' ends the user info
  CHECK((u.password == "b@c" && u.host == "h" && u.port == 1));
  u = url("amqp://[::1]:5673/v");
  CHECK((u.host == "::1" && u.port == 5673));
}

TEST_CASE("bad AMQP URLs are refused without showing the password", "[ods_rpc_sync]")
{
  for (const char* bad : {"",
                          "http://h",
                          "amqp://",
                          "amqp:/h",
                          "amqp://:5672",
                          "amqp://h:0",
                          "amqp://h:65536",
                          "amqp://h:12ab",
                          "amqp://h:",
                          "amqp://h/a/b",
                          "amqp://h/?heartbeat=5",
                          "amqp://h#x",
                          "amqp://h/%zz",
                          "amqp://h/%2",
                          "amqp://@h",
                          "amqp://[::1",
                          "amqp://[]:5",
                          "amqp://[::1]x",
                          "amqp://ho st",
                          "amqp://u:p%g1@h"}) {
    auto u = parse_amqp_url(bad);
    INFO(bad);
    REQUIRE_FALSE(u.ok());
    CHECK(u.error().code == shoal::core::Errc::config);
    CHECK(u.error().message.starts_with("AMQP URL: "));
  }
  auto u = parse_amqp_url("amqp://user:hunter2@h:99999/");
  REQUIRE_FALSE(u.ok());
  CHECK(u.error().message.find("hunter2") == std::string::npos);
}

TEST_CASE("describe_amqp_url leaves the credentials out and reads back", "[ods_rpc_sync]")
{
  CHECK(describe_amqp_url(url("amqp://alice:s3cret@h:5673/")) == "amqp://h:5673/");
  CHECK(describe_amqp_url(url("amqps://alice:s3cret@h/prod")) == "amqps://h:5671/prod");
  CHECK(describe_amqp_url(url("amqp://[::1]/a%2Fb c")) == "amqp://[::1]:5672/a%2Fb%20c");
  for (const char* text : {"amqp://h/", "amqps://x:1/a%2Fb", "amqp://[fe80::1]:7/%2f"}) {
    AmqpUrl a = url(text), b = url(describe_amqp_url(a));
    CHECK((a.tls == b.tls && a.host == b.host && a.port == b.port && a.vhost == b.vhost));
  }
}

TEST_CASE("the AMQP credentials file is one line user:password", "[ods_rpc_sync]")
{
  auto c = parse_amqp_credentials("sync:pa:ss word\n");
  REQUIRE(c.ok());
  CHECK((c->user == "sync" && c->password == "pa:ss word"));
  c = parse_amqp_credentials("u:p\r\n");
  REQUIRE(c.ok());
  CHECK(c->password == "p");
  for (const char* bad : {"", "\n", "nocolon", ":password", "a:b\nc:d", "a:b\n\n"})
    CHECK_FALSE(parse_amqp_credentials(bad).ok());

  testutil::TempDir dir;
  write_file(dir.file("creds"), "sync:secret\n");
  auto read = read_amqp_credentials(dir.file("creds"));
  REQUIRE(read.ok());
  CHECK(read->password == "secret");
  auto missing = read_amqp_credentials(dir.file("nope"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == shoal::core::Errc::config);
  CHECK(missing.error().message.find(dir.file("nope")) != std::string::npos);
  write_file(dir.file("two"), "a:b\nc:d\n");
  auto two = read_amqp_credentials(dir.file("two"));
  REQUIRE_FALSE(two.ok());
  CHECK(two.error().message.find(dir.file("two")) != std::string::npos);
}

TEST_CASE("AMQP options are checked one by one", "[ods_rpc_sync]")
{
  testutil::TempDir dir;
  write_file(dir.file("ca.pem"), "x");
  write_file(dir.file("creds"), "u:p\n");
  CHECK(validate_amqp_options(valid_options()).ok());
  CHECK(node_queue_name("n1") == "ods-rpc.n1");
  CHECK(dead_queue_name("n1") == "ods-rpc.dead.n1");

  auto refused = [](AmqpOptions o, const std::string& needle) {
    auto st = validate_amqp_options(o);
    INFO(needle);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == shoal::core::Errc::config);
    INFO(st.error().message);
    CHECK(st.error().message.find(needle) != std::string::npos);
  };
  AmqpOptions o = valid_options();
  o.url = "amqp://h:0";
  refused(o, "port");
  o = valid_options();
  o.node_id = "a/b";
  refused(o, "node id");
  o.node_id = "";
  refused(o, "node id");
  o = valid_options();
  o.exchange = "amq.fanout";
  refused(o, "exchange");
  o.exchange = "ods-rpc.dead";
  refused(o, "dead-letter");
  o = valid_options();
  o.tls_cacert = dir.file("ca.pem");
  refused(o, "amqps://");
  o.url = "amqps://h";
  CHECK(validate_amqp_options(o).ok());
  o.tls_cert = dir.file("ca.pem");
  refused(o, "key");
  o.tls_key = dir.file("missing.pem");
  refused(o, "missing.pem");
  o = valid_options();
  o.url = "amqps://h";
  o.tls_cacert = dir.file("missing.pem");
  refused(o, "CA file");
  o = valid_options();
  o.credentials_file = dir.file("creds");
  CHECK(validate_amqp_options(o).ok());
  o.credentials_file = dir.file("missing");
  refused(o, "credentials");
  o = valid_options();
  o.heartbeat_s = 3601;
  refused(o, "heartbeat");
  o.heartbeat_s = 0;
  CHECK(validate_amqp_options(o).ok());
  o = valid_options();
  o.prefetch = 0;
  refused(o, "prefetch");
  o.prefetch = 65536;
  refused(o, "prefetch");
  o = valid_options();
  o.buffer_limit = 0;
  refused(o, "buffer");
}

TEST_CASE("delivery tags carry the connection generation", "[ods_rpc_sync]")
{
  CHECK(next_amqp_generation(0) == 1);
  CHECK(next_amqp_generation(7) == 8);
  CHECK(next_amqp_generation(0xffff) == 1); // never 0: no tag is ever 0
  std::uint64_t t = make_amqp_tag(3, 12345);
  CHECK(amqp_tag_generation(t) == 3);
  CHECK(amqp_tag_delivery(t) == 12345);
  CHECK(make_amqp_tag(3, 1) != make_amqp_tag(4, 1)); // the same broker tag, another connection
  CHECK(make_amqp_tag(1, 1) != 0);
  std::uint64_t big = (std::uint64_t{1} << 48) - 1;
  CHECK(amqp_tag_delivery(make_amqp_tag(0xffff, big)) == big);
  CHECK(amqp_tag_generation(make_amqp_tag(0xffff, big)) == 0xffff);
}

namespace {

// The next message of b, marked sent: {body, its number, bodies republished in it}.
struct Taken {
  std::string body;
  std::uint64_t seq = 0;
  std::size_t again = 0;
};

Taken
take(OutgoingBuffer& b)
{
  const PendingMessage* next = b.next_unsent();
  REQUIRE(next != nullptr);
  std::string body = next->body;
  auto sent = b.mark_sent();
  return {body, sent.seq, sent.again};
}

} // namespace

TEST_CASE("OutgoingBuffer keeps messages until the broker confirms them", "[ods_rpc_sync]")
{
  OutgoingBuffer b(100);
  for (int i = 0; i < 5; ++i)
    CHECK(b.push(msg(static_cast<std::size_t>(i))) == 0);
  CHECK((b.size() == 5 && b.unsent() == 5 && b.in_flight() == 0));
  for (std::uint64_t seq = 1; seq <= 4; ++seq) {
    auto m = take(b);
    CHECK((m.body == msg(seq - 1) && m.seq == seq && m.again == 0));
  }
  CHECK((b.unsent() == 1 && b.in_flight() == 4));

  SECTION("single confirms, in any order")
  {
    CHECK(b.confirm(2, false) == 1);
    CHECK((b.size() == 5 && b.in_flight() == 3)); // m0 still unconfirmed holds the front
    CHECK(b.confirm(2, false) == 0);
    CHECK(b.in_flight() == 3);
    CHECK(b.confirm(1, false) == 1);
    CHECK(b.size() == 3);            // m0 and m1 leave
    CHECK(b.confirm(9, false) == 0); // never published on this channel
    CHECK(b.confirm(4, false) == 1);
    CHECK((b.size() == 3 && b.in_flight() == 1)); // m2 holds the front
    CHECK(b.confirm(3, false) == 1);
    CHECK((b.size() == 1 && b.unsent() == 1 && b.in_flight() == 0));
    CHECK(take(b).body == "m4");
  }
  SECTION("multiple confirms everything up to the number")
  {
    CHECK(b.confirm(2, false) == 1);
    CHECK(b.confirm(3, true) == 2); // 1 and 3 (2 was already)
    CHECK((b.size() == 2 && b.in_flight() == 1));
    CHECK(b.confirm(100, true) == 1); // clamps to what was published: 4
    CHECK((b.size() == 1 && b.unsent() == 1 && b.in_flight() == 0));
  }
  SECTION("a new channel republishes the unconfirmed in order, numbered from 1")
  {
    CHECK(b.confirm(2, false) == 1);
    b.restart();
    CHECK((b.size() == 4 && b.unsent() == 4 && b.in_flight() == 0)); // m1 is not sent again
    std::vector<std::string> order;
    std::vector<std::size_t> again;
    while (b.next_unsent() != nullptr) {
      auto m = take(b);
      order.push_back(m.body);
      CHECK(m.seq == order.size());
      again.push_back(m.again);
    }
    CHECK(order == std::vector<std::string>{"m0", "m2", "m3", "m4"});
    CHECK(again == std::vector<std::size_t>{1, 1, 1, 0});
    CHECK(b.confirm(4, true) == 4);
    CHECK((b.empty() && b.in_flight() == 0));
  }
}

TEST_CASE("OutgoingBuffer joins joinable lines to the newest message while it is unsent",
          "[ods_rpc_sync]")
{
  OutgoingBuffer b(100);
  b.push("a1\n", true);
  CHECK(take(b).body == "a1\n"); // sent at once: nothing joins it any more
  b.push("a2\n", true);
  b.push("a3\n", true);
  b.push("summary", false); // never joined, nor joined to
  b.push("b1\n", true);
  b.push("b2\n", true);
  b.push(std::string(max_joined_bytes - 6, 'x') + "\n", true); // would pass the limit
  CHECK(b.size() == 5);
  auto m2 = take(b);
  CHECK((m2.body == "a2\na3\n" && m2.seq == 2));
  CHECK(take(b).body == "summary");
  CHECK(take(b).body == "b1\nb2\n");
  CHECK(take(b).body.size() == max_joined_bytes - 5);
  CHECK((b.next_unsent() == nullptr && b.in_flight() == 5));

  CHECK(b.confirm(2, false) == 2); // a message's lines are confirmed together
  CHECK(b.confirm(5, true) == 5);
  CHECK((b.empty() && b.in_flight() == 0));

  b.push("c1\n", true);
  take(b);
  b.push("c2\n", true);
  b.restart(); // c1 goes again, alone: a message once sent is never joined to
  b.push("c3\n", true);
  auto r1 = take(b);
  CHECK((r1.body == "c1\n" && r1.again == 1));
  CHECK(take(b).body == "c2\nc3\n");
}

TEST_CASE("OutgoingBuffer drops the oldest message when full", "[ods_rpc_sync]")
{
  OutgoingBuffer b(3);
  b.push("a");
  b.push("b");
  b.push("c");
  CHECK(take(b).seq == 1); // a
  CHECK(take(b).seq == 2); // b
  CHECK(b.push("d") == 1); // a falls out
  CHECK((b.size() == 3 && b.unsent() == 2 && b.in_flight() == 1));
  CHECK(b.confirm(1, false) == 0); // a's confirm comes too late to count
  CHECK(b.confirm(2, false) == 1);
  CHECK((b.size() == 2 && b.unsent() == 2 && b.in_flight() == 0));
  CHECK(b.push("e") == 0);
  CHECK(b.push("f") == 1); // c falls out, unsent
  auto d = take(b);
  CHECK((d.body == "d" && d.seq == 3));
  CHECK(b.confirm(3, true) == 1);
  CHECK((b.size() == 2 && take(b).body == "e"));
}

TEST_CASE("back-off doubles from 100 ms to 30 s and starts over", "[ods_rpc_sync]")
{
  using ms = std::chrono::milliseconds;
  Backoff b;
  std::vector<long> waits;
  for (int i = 0; i < 12; ++i)
    waits.push_back(static_cast<long>(b.next().count()));
  CHECK(waits ==
        std::vector<long>{100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000});
  b.reset();
  CHECK(b.next() == ms{100});
}

namespace {

struct CountingHandler : Transport::Handler {
  int messages = 0, connects = 0, disconnects = 0;
  void on_message(std::string_view, std::uint64_t) override { ++messages; }
  void on_connected() override { ++connects; }
  void on_disconnected(const std::string&) override { ++disconnects; }
};

} // namespace

TEST_CASE("AmqpTransport without a broker retries, buffers and stops at once", "[ods_rpc_sync]")
{
  shoal::net::Loop loop;
  AmqpOptions o = valid_options();
  o.url = "amqp://u:secret@127.0.0.1:" + std::to_string(closed_port()) + "/prod";
  o.buffer_limit = 2;
  CHECK_THROWS_AS(AmqpTransport(loop, AmqpOptions{}), std::invalid_argument);
  AmqpTransport t(loop, o);
  CHECK(t.describe().find("secret") == std::string::npos);
  CHECK(t.describe().ends_with(":" + o.url.substr(o.url.rfind(':') + 1)));
  CountingHandler h;
  t.start(h);
  t.publish("one", false);
  t.publish("two", false);
  t.publish("three", false); // "one" falls out
  shoal::net::Timer done(loop);
  done.start(450, 0, [&] { loop.stop(); }); // attempts at 0, 100 and 300 ms
  loop.run();
  CHECK_FALSE(t.connected());
  CHECK(t.stats().connect_failures >= 3);
  CHECK(t.stats().connects == 0);
  CHECK(t.stats().published == 3);
  CHECK(t.stats().dropped == 1);
  auto before = std::chrono::steady_clock::now();
  t.stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
  t.publish("after", false); // counted, never sent
  CHECK(t.stats().dropped == 2);
  CHECK((h.messages == 0 && h.connects == 0 && h.disconnects == 0));
}
