// Unit tests for client::Dht, Importer, the nodes file and key hashing, against fake nodes.
#include "fake_dht_node.hpp"

#include "client/dht.hpp"
#include "client/importer.hpp"
#include "client/key_hash.hpp"
#include "client/nodes_file.hpp"
#include "client/run_sync.hpp"

#include <catch2/catch.hpp>

using namespace shoal;
using client::Reply;
using test::FakeDhtNode;

TEST_CASE("client::parse_nodes reads HOST:PORT lines with comments", "[client]")
{
  auto nodes = client::parse_nodes("# the DHT\n127.0.0.1:10000\n\n  127.0.0.1:10001  # second\n"
                                   "[::1]:10002\r\nlocalhost:10003");
  REQUIRE(nodes.ok());
  REQUIRE(nodes->size() == 4);
  CHECK((*nodes)[0].str() == "127.0.0.1:10000");
  CHECK((*nodes)[1].str() == "127.0.0.1:10001");
  CHECK((*nodes)[2].str() == "[::1]:10002");
  CHECK((*nodes)[3].str() == "localhost:10003");
  CHECK(client::parse_nodes("")->empty());
  CHECK(client::parse_nodes("# nothing\n\n")->empty());

  auto bad = client::parse_nodes("127.0.0.1:1\nnot a node\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == core::Errc::config);
  CHECK(bad.error().message.rfind("line 2: ", 0) == 0);
  auto dup = client::parse_nodes("127.0.0.1:1\n127.0.0.1:1\n");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().message == "line 2: duplicate node 127.0.0.1:1");
  CHECK_FALSE(client::parse_nodes("127.0.0.1:0").ok());

  auto missing = client::load_nodes_file("/nonexistent/nodes");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == core::Errc::not_found);

  std::vector<net::Endpoint> list{{"127.0.0.1", 1}};
  client::merge_nodes(list, {{"127.0.0.1", 2}, {"127.0.0.1", 1}});
  CHECK(list.size() == 2);
}

TEST_CASE("client::fnv1a64 is FNV-1a 64", "[client]")
{
  STATIC_REQUIRE(client::fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(client::fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(client::fnv1a64("foobar") == 0x85944171f73967e8ULL);
  CHECK(client::fnv1a64("hello") == 0xa430d84680aabd0bULL);
  CHECK(client::fnv1a64(std::string_view("\xff\x00", 2)) != client::fnv1a64("\xff"));
}

namespace {
// Three fake nodes splitting the key space evenly, and a Dht over them.
struct Cluster {
  explicit Cluster(net::Loop& loop) : ranges(proto::split_evenly(3))
  {
    for (const auto& range : ranges)
      nodes.push_back(std::make_unique<FakeDhtNode>(loop, range));
  }
  ~Cluster()
  {
    for (auto& n : nodes)
      n->shut();
  }
  std::vector<net::Endpoint> endpoints() const
  {
    std::vector<net::Endpoint> out;
    for (const auto& n : nodes)
      out.push_back(n->endpoint);
    return out;
  }
  std::vector<proto::HashRange> ranges;
  std::vector<std::unique_ptr<FakeDhtNode>> nodes;
};
} // namespace

TEST_CASE("client::Dht routes keys by their bit-reversed value", "[client]")
{
  net::Loop loop;
  Cluster cluster(loop);
  {
    client::Dht dht(loop, cluster.endpoints());
    CHECK_FALSE(dht.route(0).has_value()); // no handshake yet
    auto hs = client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); });
    REQUIRE(hs.ok());
    CHECK(dht.info(1).version == proto::api_version);
    CHECK(dht.info(2).range == cluster.ranges[2]);
    // bitswap(1) = 0x8000000000000000: the middle third; bitswap(2^63) = 1: the first.
    CHECK(dht.route(0) == 0u);
    CHECK(dht.route(1) == 1u);
    CHECK(dht.route(0x8000000000000000ULL) == 0u);
    CHECK(dht.route(3) == 2u); // 0xc000...
    CHECK(dht.route(~0ULL) == 2u);
    CHECK(dht.route(0x00000000000000ffULL) == 2u);
    for (std::uint64_t key : {0ULL, 1ULL, 3ULL, 0x123456789abcdefULL}) {
      auto put = client::run_sync<void>(loop, [&](auto cb) { dht.put("ch", key, "v", cb); });
      REQUIRE(put.ok());
      std::size_t owner = *dht.route(key);
      CHECK(cluster.nodes[owner]->channels["ch"].count(key) == 1);
      CHECK(cluster.ranges[owner].contains(core::bit_reverse(key)));
      auto got = client::run_sync<std::optional<std::string>>(
          loop, [&](auto cb) { dht.get("ch", key, cb); });
      REQUIRE(got.ok());
      CHECK(*got == std::optional<std::string>("v"));
    }
  }
}

TEST_CASE("client::Dht handshake refuses wrong versions, gaps and dead nodes", "[client]")
{
  net::Loop loop;
  SECTION("version")
  {
    Cluster cluster(loop);
    cluster.nodes[1]->version = "20991231";
    client::Dht dht(loop, cluster.endpoints());
    auto hs = client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); });
    REQUIRE_FALSE(hs.ok());
    CHECK(hs.error().message.find("API version '20991231'") != std::string::npos);
    CHECK_FALSE(dht.route(0).has_value());
  }
  SECTION("gap")
  {
    Cluster cluster(loop);
    auto endpoints = cluster.endpoints();
    endpoints.pop_back(); // the last third is not covered
    client::Dht dht(loop, endpoints);
    auto hs = client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); });
    REQUIRE_FALSE(hs.ok());
    CHECK(hs.error().code == core::Errc::unavailable);
    CHECK(hs.error().message.find("hash ranges") != std::string::npos);
  }
  SECTION("dead node")
  {
    Cluster cluster(loop);
    cluster.nodes[2]->shut();
    client::Dht dht(loop, cluster.endpoints());
    auto hs = client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); });
    REQUIRE_FALSE(hs.ok());
    CHECK(hs.error().message.find(cluster.nodes[2]->endpoint.str()) != std::string::npos);
  }
}

TEST_CASE("client::Dht merges channels, sizes and GetAll over every node", "[client]")
{
  net::Loop loop;
  Cluster cluster(loop);
  cluster.nodes[0]->channels["b"][1] = "x";
  cluster.nodes[1]->channels["a"][2] = "yy";
  cluster.nodes[2]->channels["b"][3] = "zzz";
  client::Dht dht(loop, cluster.endpoints());
  REQUIRE(client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); }).ok());
  auto channels =
      client::run_sync<std::vector<std::string>>(loop, [&](auto cb) { dht.get_channels(cb); });
  REQUIRE(channels.ok());
  CHECK(*channels == std::vector<std::string>{"a", "b"});
  auto sizes = client::run_sync<std::vector<client::NodeSize>>(
      loop, [&](auto cb) { dht.get_sizes("b", cb); });
  REQUIRE(sizes.ok());
  REQUIRE(sizes->size() == 3);
  CHECK((*sizes)[0].records == 1);
  CHECK((*sizes)[1].records == 0);
  CHECK((*sizes)[2].bytes == 3);
  std::map<std::uint64_t, std::string> got;
  auto all = client::run_sync<void>(loop, [&](auto cb) {
    dht.get_all(
        "b", [&](std::uint64_t k, std::string_view v) { got.emplace(k, v); }, cb);
  });
  CHECK(all.ok());
  CHECK(got == std::map<std::uint64_t, std::string>{{1, "x"}, {3, "zzz"}});
  auto removed = client::run_sync<void>(loop, [&](auto cb) { dht.remove_channel("b", cb); });
  CHECK(removed.ok());
  CHECK(cluster.nodes[2]->channels.count("b") == 0);
  auto stats = client::run_sync<std::vector<std::vector<std::string>>>(
      loop, [&](auto cb) { dht.get_stats(cb); });
  REQUIRE(stats.ok());
  CHECK((*stats)[1] == std::vector<std::string>{"records:1", "bytes:2"});
}

TEST_CASE("client::Dht stream fails as a whole when one node fails", "[client]")
{
  net::Loop loop;
  Cluster cluster(loop);
  cluster.nodes[1]->script = [](const proto::Request& r, net::Connection& conn) {
    if (r.command != proto::Command::get_all)
      return false;
    proto::write_status(proto::StatusCode::error, conn.output());
    return true;
  };
  client::Dht dht(loop, cluster.endpoints());
  REQUIRE(client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); }).ok());
  auto all = client::run_sync<void>(loop, [&](auto cb) {
    dht.get_all(
        "ch", [](std::uint64_t, std::string_view) {}, cb);
  });
  REQUIRE_FALSE(all.ok());
  CHECK(all.status() == proto::StatusCode::error);
  CHECK(all.error().message ==
        "node " + cluster.nodes[1]->endpoint.str() + " answered Error to GetAll");
}

TEST_CASE("client::Importer sends batches to the responsible nodes", "[client]")
{
  net::Loop loop;
  Cluster cluster(loop);
  client::Dht dht(loop, cluster.endpoints());
  REQUIRE(client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); }).ok());
  client::ImportOptions opts;
  opts.batch_size = 4096;
  opts.in_flight_per_node = 2;
  client::Importer importer(dht, "ch", opts);
  std::map<std::uint64_t, std::string> records;
  for (std::uint64_t i = 0; i < 20000; ++i)
    records[client::fnv1a64(std::to_string(i))] = "value " + std::to_string(i);
  records[42] = std::string(10000, 'b'); // too big for a batch: a single Put
  bool was_backlogged = false, finishing = false;
  auto it = records.begin();
  auto done = client::run_sync<void>(loop, [&](auto cb) {
    std::function<void()> pump = [&, cb] {
      while (it != records.end() && !importer.backlogged()) {
        importer.add(it->first, it->second);
        ++it;
      }
      was_backlogged |= importer.backlogged();
      if (it == records.end() && !finishing) {
        finishing = true;
        importer.finish(cb);
      }
    };
    importer.on_ready(pump); // called whenever the importer has room again
    pump();
  });
  REQUIRE(done.ok());
  CHECK(was_backlogged);
  CHECK(importer.records_stored() == records.size());
  std::size_t stored = 0;
  for (std::size_t i = 0; i < 3; ++i)
    for (const auto& [k, v] : cluster.nodes[i]->channels["ch"]) {
      ++stored;
      CHECK(cluster.ranges[i].responsible_for(k));
      CHECK(records.at(k) == v);
    }
  CHECK(stored == records.size());
}

TEST_CASE("client::put_many stores records and cleans up after an abandoned Dht", "[client]")
{
  net::Loop loop;
  Cluster cluster(loop);
  std::vector<std::pair<std::uint64_t, std::string>> records;
  for (std::uint64_t i = 0; i < 5000; ++i)
    records.emplace_back(client::fnv1a64(std::to_string(i)), std::to_string(i));
  {
    client::Dht dht(loop, cluster.endpoints());
    REQUIRE(client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); }).ok());
    auto done = client::run_sync<void>(loop, [&](auto cb) {
      client::put_many(dht, "many", records, cb, {1024, 1});
    });
    REQUIRE(done.ok());
    std::size_t stored = 0;
    for (const auto& node : cluster.nodes)
      stored += node->channels["many"].size();
    CHECK(stored == records.size());
    auto empty = client::run_sync<void>(loop, [&](auto cb) { client::put_many(dht, "x", {}, cb); });
    CHECK(empty.ok());
  }
  {
    // The Dht goes away with batches in flight: done never runs and nothing leaks (ASan).
    bool called = false;
    {
      client::Dht dht(loop, cluster.endpoints());
      REQUIRE(client::run_sync<void>(loop, [&](auto cb) { dht.handshake(cb); }).ok());
      client::put_many(dht, "abandoned", records, [&](Reply<void>) { called = true; }, {1024, 1});
      net::Timer tick(loop);
      tick.start(1, 0, [&] { loop.stop(); });
      loop.run();
    }
    CHECK_FALSE(called);
  }
}
