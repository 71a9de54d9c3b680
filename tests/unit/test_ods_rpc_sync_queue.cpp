// Tests of ods-rpc-sync's queuenode transport against real queuenodes (QueueNodeThread): the
// fan-out to every node, order per publisher, a queuenode restarted while nodes publish, a node
// away and back, fail-over between queuenodes, the bounded outgoing buffer.
#include "client_test_util.hpp"
#include "crypto/credentials.hpp"
#include "queue_transport.hpp"
#include "queuenode_thread.hpp"
#include "temp_dir.hpp"

#include "core/log.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

using namespace shoal;
using odsrpcsync::QueueTransport;
using odsrpcsync::QueueTransportOptions;
using odsrpcsync::Transport;
using test::QueueNodeThread;
using test::run_until;
using testutil::TempDir;

namespace {

// Keeps the expected warnings (lost connections, retries) out of the test output.
class QuietLog
{
public:
  QuietLog() { core::set_log_level(core::LogLevel::error); }
  ~QuietLog() { core::set_log_level(core::LogLevel::info); }
  QuietLog(const QuietLog&) = delete;
  QuietLog& operator=(const QuietLog&) = delete;
};

// What a transport told its handler.
struct Recorder : Transport::Handler {
  std::vector<std::string> messages;
  int connected = 0;
  int disconnected = 0;
  std::uint64_t nonzero_tags = 0;

  void on_message(std::string_view body, std::uint64_t tag) override
  {
    messages.emplace_back(body);
    nonzero_tags += tag != 0;
  }
  void on_connected() override { ++connected; }
  void on_disconnected(const std::string&) override { ++disconnected; }

  // The messages of publisher (those starting with "<publisher> "), in arrival order.
  std::vector<std::string> from(const std::string& publisher) const
  {
    std::vector<std::string> out;
    for (const auto& m : messages)
      if (m.starts_with(publisher + " "))
        out.push_back(m);
    return out;
  }
};

// A node: its transport and what it was told.
struct Peer {
  Recorder seen;
  std::unique_ptr<QueueTransport> transport;
};

QueueTransportOptions
options(const std::vector<net::Endpoint>& nodes, const std::string& id)
{
  QueueTransportOptions opts;
  opts.nodes = nodes;
  opts.node_id = id;
  opts.retry_max_ms = 400; // keeps the reconnection tests short
  REQUIRE(odsrpcsync::check_options(opts).ok());
  return opts;
}

std::unique_ptr<Peer>
peer(net::Loop& loop, const std::vector<net::Endpoint>& nodes, const std::string& id)
{
  auto p = std::make_unique<Peer>();
  p->transport = std::make_unique<QueueTransport>(loop, options(nodes, id));
  return p;
}

// "<publisher> <first>" ... "<publisher> <first + n - 1>".
std::vector<std::string>
numbered(const std::string& publisher, int first, int n)
{
  std::vector<std::string> out;
  for (int i = first; i < first + n; ++i)
    out.push_back(publisher + " " + std::to_string(i));
  return out;
}

void
publish_all(QueueTransport& t, const std::vector<std::string>& messages)
{
  for (const auto& m : messages)
    t.publish(m, false);
}

} // namespace

TEST_CASE("ods-rpc-sync queue transport: subscriber names and options", "[ods_rpc_sync]")
{
  using odsrpcsync::check_options;
  using odsrpcsync::subscriber_name;
  CHECK(subscriber_name("node-1") == "node-1");
  CHECK(subscriber_name("db.example.org") == "db_2eexample_2eorg");
  CHECK(subscriber_name("a_b") == "a_5fb");
  CHECK(subscriber_name("a.b") != subscriber_name("a_b"));

  QueueTransportOptions opts;
  opts.nodes = {{"127.0.0.1", 1234}, {"127.0.0.1", 5678}};
  opts.node_id = "db.example.org";
  CHECK(check_options(opts).ok());
  net::Loop loop;
  {
    QueueTransport t(loop, opts);
    CHECK(t.describe() == "queuenode 127.0.0.1:1234,127.0.0.1:5678");
    CHECK(t.consume_target() == "db_2eexample_2eorg@ods-rpc-sync");
    CHECK_FALSE(t.connected());
  }
  auto refused = [&](auto change) {
    QueueTransportOptions o = opts;
    change(o);
    auto status = check_options(o);
    return !status && status.error().code == core::Errc::config;
  };
  CHECK(refused([](auto& o) { o.nodes.clear(); }));
  CHECK(refused([](auto& o) { o.node_id = "a/b"; }));
  CHECK(refused([](auto& o) { o.node_id = ""; }));
  CHECK(refused([](auto& o) { o.channel = "a.b"; }));
  CHECK(refused([](auto& o) {
    o.channel = std::string(100, 'c');
    o.node_id = std::string(64, '.');
  }));
  CHECK(refused([](auto& o) { o.max_buffered = 0; }));
  CHECK(refused([](auto& o) { o.max_in_flight = 0; }));
  CHECK(refused([](auto& o) { o.retry_max_ms = 10; }));
}

TEST_CASE("ods-rpc-sync queue transport: every node receives every message, in publish order",
          "[ods_rpc_sync]")
{
  QuietLog quiet;
  TempDir dir;
  QueueNodeThread qn(dir.path());
  net::Loop loop;
  const std::vector<std::string> ids = {"alpha", "b.e_ta", "gamma"};
  std::vector<std::unique_ptr<Peer>> peers;
  for (const auto& id : ids)
    peers.push_back(peer(loop, {qn.endpoint()}, id));
  for (auto& p : peers) {
    p->transport->start(p->seen);
    CHECK(p->seen.connected == 0); // never inside start()
  }
  run_until(loop, [&] {
    return std::all_of(peers.begin(), peers.end(), [](auto& p) { return p->seen.connected == 1; });
  });
  const int n = 300;
  for (int i = 0; i < n; ++i) // interleaved, as concurrent nodes would
    for (std::size_t k = 0; k < peers.size(); ++k)
      peers[k]->transport->publish(ids[k] + " " + std::to_string(i), false);
  // A durable queuenode may deliver a push before it answers it (once its journal is synced).
  run_until(loop, [&] {
    return std::all_of(peers.begin(), peers.end(), [&](auto& p) {
      return p->seen.messages.size() == 3 * n && p->transport->buffered() == 0;
    });
  });
  for (auto& p : peers) {
    for (const auto& id : ids)
      CHECK(p->seen.from(id) == numbered(id, 0, n)); // own messages included
    const auto& s = p->transport->stats();
    CHECK(s.published == n);
    CHECK(s.confirmed == n);
    CHECK(s.republished == 0);
    CHECK(s.dropped == 0);
    CHECK(s.received == 3 * n);
    CHECK(s.connects == 1);
    CHECK(p->seen.nonzero_tags == 0);
    CHECK(p->seen.disconnected == 0);
    CHECK(p->transport->buffered() == 0);
    p->transport->ack(0);
    CHECK(p->transport->acked() == 1);
  }
  for (auto& p : peers)
    p->transport->stop();
}

TEST_CASE("ods-rpc-sync queue transport: lines published while pushes wait travel joined",
          "[ods_rpc_sync]")
{
  QuietLog quiet;
  TempDir dir;
  QueueNodeThread qn(dir.path());
  net::Loop loop;
  QueueTransportOptions opts = options({qn.endpoint()}, "alpha");
  opts.max_in_flight = 1;
  Peer p;
  p.transport = std::make_unique<QueueTransport>(loop, opts);
  p.transport->start(p.seen);
  run_until(loop, [&] { return p.seen.connected == 1; });
  // One loop turn: the first line takes the only push slot, the rest wait and join up, but
  // for a body that is not joinable, which goes alone and starts a new message after it.
  for (const char* line : {"l0\n", "l1\n", "l2\n"})
    p.transport->publish(line, true);
  p.transport->publish("summary", false);
  for (const char* line : {"l3\n", "l4\n"})
    p.transport->publish(line, true);
  run_until(loop, [&] { return p.seen.messages.size() == 4 && p.transport->buffered() == 0; });
  CHECK(p.seen.messages == std::vector<std::string>{"l0\n", "l1\nl2\n", "summary", "l3\nl4\n"});
  const auto& s = p.transport->stats();
  CHECK((s.published == 6 && s.confirmed == 6 && s.received == 4));
  p.transport->stop();
}

TEST_CASE("ods-rpc-sync queue transport: what is published while the queuenode is down arrives "
          "after it comes back",
          "[ods_rpc_sync]")
{
  QuietLog quiet;
  TempDir dir;
  auto qn = std::make_unique<QueueNodeThread>(dir.path());
  const net::Endpoint at = qn->endpoint();
  net::Loop loop;
  auto a = peer(loop, {at}, "a");
  auto b = peer(loop, {at}, "b");
  a->transport->start(a->seen);
  b->transport->start(b->seen);
  run_until(loop, [&] { return a->seen.connected == 1 && b->seen.connected == 1; });
  publish_all(*a->transport, numbered("a", 0, 10));
  run_until(loop, [&] { return b->seen.messages.size() == 10 && a->transport->buffered() == 0; });

  qn->stop();
  run_until(loop, [&] { return a->seen.disconnected == 1 && b->seen.disconnected == 1; });
  CHECK_FALSE(a->transport->connected());
  CHECK_FALSE(b->transport->connected());
  publish_all(*a->transport, numbered("a", 10, 50));
  publish_all(*b->transport, numbered("b", 0, 5));
  CHECK(a->transport->buffered() == 50); // nowhere to push them

  qn = std::make_unique<QueueNodeThread>(dir.path(), at.port); // same port, same files
  run_until(loop, [&] {
    return a->seen.messages.size() == 65 && b->seen.messages.size() == 65 &&
           a->transport->buffered() == 0 && b->transport->buffered() == 0;
  });
  for (auto* p : {a.get(), b.get()}) {
    CHECK(p->seen.connected == 2); // again, after the restart
    CHECK(p->transport->connected());
    CHECK(p->transport->stats().connects == 2);
    CHECK(p->seen.from("a") == numbered("a", 0, 60));
    CHECK(p->seen.from("b") == numbered("b", 0, 5));
  }
  CHECK(a->transport->stats().confirmed == 60);
  CHECK(a->transport->buffered() == 0);
  a->transport->stop();
  b->transport->stop();
}

TEST_CASE("ods-rpc-sync queue transport: a node away receives what was published meanwhile",
          "[ods_rpc_sync]")
{
  QuietLog quiet;
  TempDir dir;
  QueueNodeThread qn(dir.path());
  net::Loop loop;
  auto a = peer(loop, {qn.endpoint()}, "a");
  auto b = peer(loop, {qn.endpoint()}, "b");
  a->transport->start(a->seen);
  b->transport->start(b->seen);
  run_until(loop, [&] { return a->seen.connected == 1 && b->seen.connected == 1; });

  b->transport->stop();
  CHECK_FALSE(b->transport->connected());
  publish_all(*a->transport, numbered("a", 0, 100));
  run_until(loop, [&] { return a->seen.messages.size() == 100 && a->transport->buffered() == 0; });
  CHECK(b->seen.messages.empty()); // no handler call after stop()
  CHECK(b->seen.disconnected == 0);

  b->transport->start(b->seen);
  run_until(loop, [&] { return b->seen.messages.size() == 100; });
  CHECK(b->seen.from("a") == numbered("a", 0, 100));
  CHECK(b->seen.connected == 2);

  // A handler may stop its transport from inside a delivery: nothing more reaches it.
  struct Stopper : Recorder {
    QueueTransport* transport = nullptr;
    void on_message(std::string_view body, std::uint64_t tag) override
    {
      Recorder::on_message(body, tag);
      transport->stop();
    }
  } stopper;
  stopper.transport = b->transport.get();
  b->transport->stop();
  b->transport->start(stopper);
  run_until(loop, [&] { return stopper.connected == 1; });
  publish_all(*a->transport, numbered("a", 100, 20));
  run_until(loop, [&] { return a->seen.messages.size() == 120; });
  CHECK(stopper.messages == numbered("a", 100, 1));
  a->transport->stop();
}

TEST_CASE("ods-rpc-sync queue transport: several queuenodes, one of them lost", "[ods_rpc_sync]")
{
  QuietLog quiet;
  TempDir dir1, dir2;
  QueueNodeThread qn1(dir1.path());
  QueueNodeThread qn2(dir2.path());
  net::Loop loop;
  const std::vector<std::string> ids = {"n1", "n2", "n3", "n4"};
  std::vector<std::unique_ptr<Peer>> peers;
  for (const auto& id : ids) {
    peers.push_back(peer(loop, {qn1.endpoint(), qn2.endpoint()}, id));
    peers.back()->transport->start(peers.back()->seen);
  }
  run_until(loop, [&] {
    return std::all_of(peers.begin(), peers.end(), [](auto& p) { return p->seen.connected == 2; });
  });
  // Every push answered too: one in flight when its queuenode stops is pushed again to the
  // other, and may arrive twice.
  auto wait_all = [&](std::size_t count) {
    run_until(loop, [&] {
      return std::all_of(peers.begin(), peers.end(), [&](auto& p) {
        return p->seen.messages.size() >= count && p->transport->buffered() == 0;
      });
    });
  };
  for (std::size_t k = 0; k < peers.size(); ++k)
    publish_all(*peers[k]->transport, numbered(ids[k], 0, 50));
  wait_all(200);

  qn1.stop();
  run_until(loop, [&] {
    return std::all_of(peers.begin(), peers.end(),
                       [](auto& p) { return p->seen.disconnected == 1; });
  });
  for (std::size_t k = 0; k < peers.size(); ++k) {
    CHECK(peers[k]->transport->connected()); // through the other queuenode
    publish_all(*peers[k]->transport, numbered(ids[k], 50, 50));
  }
  wait_all(400);
  for (auto& p : peers) {
    CHECK(p->seen.messages.size() == 400);
    std::set<std::string> got(p->seen.messages.begin(), p->seen.messages.end());
    for (const auto& id : ids)
      for (const auto& m : numbered(id, 0, 100))
        CHECK(got.count(m) == 1);
    CHECK(p->transport->stats().confirmed == 100);
    CHECK(p->transport->buffered() == 0);
  }
  for (auto& p : peers)
    p->transport->stop();
}

TEST_CASE("ods-rpc-sync queue transport: the outgoing buffer keeps the newest messages",
          "[ods_rpc_sync]")
{
  QuietLog quiet;
  TempDir dir;
  net::Endpoint at;
  { // a port where nothing listens, for now
    QueueNodeThread probe(dir.path());
    at = probe.endpoint();
  }
  net::Loop loop;
  auto opts = options({at}, "a");
  opts.max_buffered = 10;
  Peer a;
  a.transport = std::make_unique<QueueTransport>(loop, opts);
  a.transport->start(a.seen);
  run_until(loop, [&] { return a.transport->stats().connect_failures >= 2; });
  CHECK(a.seen.connected == 0);
  CHECK(a.seen.disconnected == 0); // it never was connected
  publish_all(*a.transport, numbered("a", 0, 25));
  CHECK(a.transport->buffered() == 10);
  CHECK(a.transport->stats().dropped == 15);

  QueueNodeThread qn(dir.path(), at.port);
  run_until(loop, [&] { return a.seen.messages.size() == 10 && a.transport->buffered() == 0; });
  CHECK(a.seen.messages == numbered("a", 15, 10)); // the oldest fell out
  CHECK(a.seen.connected == 1);
  CHECK(a.transport->stats().confirmed == 10);
  a.transport->stop();
}

TEST_CASE("ods-rpc-sync queue transport: a message the queuenode refuses does not block the rest",
          "[ods_rpc_sync]")
{
  QuietLog quiet;
  TempDir dir;
  QueueNodeThread qn(dir.path());
  net::Loop loop;
  auto a = peer(loop, {qn.endpoint()}, "a");
  a->transport->start(a->seen);
  run_until(loop, [&] { return a->seen.connected == 1; });
  a->transport->publish("", false); // EmptyValue: no queuenode would ever take it
  publish_all(*a->transport, numbered("a", 0, 3));
  run_until(loop, [&] { return a->seen.messages.size() == 3 && a->transport->buffered() == 0; });
  CHECK(a->seen.messages == numbered("a", 0, 3));
  CHECK(a->transport->stats().dropped == 1);
  CHECK(a->transport->stats().confirmed == 3);
  a->transport->stop();
}

TEST_CASE("ods-rpc-sync queue transport: a queuenode that wants credentials", "[ods_rpc_sync]")
{
  QuietLog quiet;
  TempDir dir;
  const std::string hex(2 * crypto::key_bytes, 'a');
  std::ofstream(dir.file("credentials")) << "sync:" << hex << "\n";
  std::filesystem::create_directory(dir.file("data"));
  QueueNodeThread qn(dir.file("data"), 0, dir.file("credentials"));
  net::Loop loop;
  auto opts = options({qn.endpoint()}, "a");
  opts.client.auth = client::AuthIdentity{"sync", *crypto::parse_key_hex(hex)};
  Peer with;
  with.transport = std::make_unique<QueueTransport>(loop, opts);
  Peer without;
  without.transport = std::make_unique<QueueTransport>(loop, options({qn.endpoint()}, "b"));
  with.transport->start(with.seen);
  without.transport->start(without.seen);
  with.transport->publish("a 0", false);
  run_until(loop, [&] {
    return with.seen.messages.size() == 1 && without.transport->stats().connect_failures >= 2;
  });
  CHECK(with.seen.messages == numbered("a", 0, 1));
  CHECK(without.seen.connected == 0);
  CHECK(without.seen.messages.empty());
  with.transport->stop();
  without.transport->stop();
}
