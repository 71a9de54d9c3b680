// Unit tests for the log store client: NodeClient's log requests, client::LogStore (PutDup
// routed by bit-reversed timestamp, reads merged from every node) and the Importer in append
// mode (LogPutBatch), against fake log nodes.
#include "client_test_util.hpp"
#include "fake_dht_node.hpp"

#include "client/importer.hpp"
#include "client/logs.hpp"
#include "client/run_sync.hpp"
#include "core/hex.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

using namespace shoal;
using client::Reply;
using test::FakeDhtNode;

namespace {
// Two fake log nodes splitting the bit-reversed key space in halves, as in the integration test.
struct LogCluster {
  explicit LogCluster(net::Loop& loop)
  {
    nodes.push_back(std::make_unique<FakeDhtNode>(loop, proto::HashRange{0, 0x7fffffffffffffff}));
    nodes.push_back(
        std::make_unique<FakeDhtNode>(loop, proto::HashRange{0x8000000000000000, ~0ull}));
  }
  ~LogCluster()
  {
    for (auto& n : nodes)
      n->shut();
  }
  std::vector<net::Endpoint> endpoints() const { return {nodes[0]->endpoint, nodes[1]->endpoint}; }
  // The node that must hold key.
  std::size_t owner(std::uint64_t key) const { return core::bit_reverse(key) >> 63; }
  std::vector<std::unique_ptr<FakeDhtNode>> nodes;
};

using Records = std::vector<std::pair<std::uint64_t, std::string>>;

// Reads [min, max] (with filter when not empty) from every node.
Reply<void>
read_range(net::Loop& loop,
           client::LogStore& logs,
           std::uint64_t min,
           std::uint64_t max,
           const std::string& filter,
           Records& out)
{
  return client::run_sync<void>(loop, [&](auto cb) {
    auto add = [&](std::uint64_t k, std::string_view v) { out.emplace_back(k, v); };
    if (filter.empty())
      logs.get_range("log", min, max, add, cb);
    else
      logs.get_range_filter("log", min, max, filter, add, cb);
  });
}
} // namespace

TEST_CASE("client::NodeClient speaks PutDup, LogPutBatch and GetRange", "[client][logs]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  {
    client::NodeClient client(loop, node.endpoint);
    for (const auto& record : Records{{5, "a"}, {5, "b"}, {4097, "c"}, {3, "needle d"}}) {
      auto put = client::run_sync<void>(
          loop, [&](auto cb) { client.put_dup("log", record.first, record.second, cb); });
      REQUIRE(put.ok());
    }
    proto::BatchBuilder batch;
    batch.add(2, "e");
    batch.add(9000, "needle f");
    std::string payload;
    batch.finish(payload);
    REQUIRE(client::run_sync<void>(loop, [&](auto cb) {
              client.log_put_batch("log", payload, cb);
            }).ok());
    CHECK(node.received[0] == proto::Command::put_dup);
    CHECK(node.received.back() == proto::Command::log_put_batch);
    CHECK(node.logs["log"].size() == 6);

    Records got;
    auto read = client::run_sync<void>(loop, [&](auto cb) {
      client.get_range(
          "log", 3, 4097, [&](std::uint64_t k, std::string_view v) { got.emplace_back(k, v); }, cb);
    });
    REQUIRE(read.ok());
    // Bucket order, append order inside a bucket; both bounds inclusive.
    CHECK(got == Records{{5, "a"}, {5, "b"}, {3, "needle d"}, {4097, "c"}});
    got.clear();
    read = client::run_sync<void>(loop, [&](auto cb) {
      client.get_range_filter(
          "log", 0, ~0ull, "needle",
          [&](std::uint64_t k, std::string_view v) { got.emplace_back(k, v); }, cb);
    });
    REQUIRE(read.ok());
    CHECK(got == Records{{3, "needle d"}, {9000, "needle f"}});
    CHECK(node.received.back() == proto::Command::get_range_filter);
  }
  node.shut();
}

TEST_CASE("client::LogStore routes PutDup by bit-reversed timestamp", "[client][logs]")
{
  net::Loop loop;
  LogCluster cluster(loop);
  client::LogStore logs(loop, cluster.endpoints());
  auto early = client::run_sync<void>(loop, [&](auto cb) { logs.put_dup("log", 1, "x", cb); });
  CHECK(early.error().code == core::Errc::usage); // no handshake yet
  REQUIRE(client::run_sync<void>(loop, [&](auto cb) { logs.handshake(cb); }).ok());
  Records all;
  for (std::uint64_t ts = 1'795'356'000; ts < 1'795'356'000 + 64; ++ts) {
    all.emplace_back(ts, "at " + std::to_string(ts));
    auto put = client::run_sync<void>(
        loop, [&](auto cb) { logs.put_dup("log", ts, all.back().second, cb); });
    REQUIRE(put.ok());
  }
  auto again =
      client::run_sync<void>(loop, [&](auto cb) { logs.put_dup("log", all[0].first, "dup", cb); });
  REQUIRE(again.ok());
  std::size_t held = 0;
  for (std::size_t i = 0; i < 2; ++i)
    for (const auto& [k, v] : cluster.nodes[i]->logs["log"]) {
      CHECK(cluster.owner(k) == i);
      ++held;
    }
  CHECK(held == all.size() + 1);
  CHECK_FALSE(cluster.nodes[0]->logs["log"].empty());
  CHECK_FALSE(cluster.nodes[1]->logs["log"].empty());

  // The node itself refuses a record outside its range.
  std::uint64_t foreign = cluster.owner(7) == 0 ? 7 : 6;
  auto wrong = client::run_sync<void>(loop, [&](auto cb) {
    logs.node(1 - cluster.owner(foreign)).put_dup("log", foreign, "x", cb);
  });
  CHECK(wrong.status() == proto::StatusCode::wrong_node);
}

TEST_CASE("client::LogStore reads ranges from every node", "[client][logs]")
{
  net::Loop loop;
  LogCluster cluster(loop);
  client::LogStore logs(loop, cluster.endpoints());
  REQUIRE(client::run_sync<void>(loop, [&](auto cb) { logs.handshake(cb); }).ok());
  Records all;
  for (std::uint64_t ts = 10'000; ts < 30'000; ts += 7)
    all.emplace_back(ts, ts % 2 ? "odd" : "even");
  client::ImportOptions opts;
  opts.batch_size = 1024;
  opts.in_flight_per_node = 2;
  opts.append = true;
  std::vector<std::pair<std::uint64_t, std::string>> copy(all.begin(), all.end());
  REQUIRE(client::run_sync<void>(loop, [&](auto cb) {
            client::put_many(logs, "log", copy, cb, opts);
          }).ok());
  for (auto& node : cluster.nodes) {
    CHECK(std::count(node->received.begin(), node->received.end(), proto::Command::log_put_batch) >
          1);
    CHECK(std::count(node->received.begin(), node->received.end(), proto::Command::put_batch) == 0);
  }

  Records got;
  REQUIRE(read_range(loop, logs, 12'000, 20'000, "", got).ok());
  Records expected;
  for (const auto& r : all)
    if (r.first >= 12'000 && r.first <= 20'000)
      expected.push_back(r);
  std::sort(got.begin(), got.end());
  CHECK(got == expected);

  got.clear();
  REQUIRE(read_range(loop, logs, 0, ~0ull, "odd", got).ok());
  CHECK(got.size() == static_cast<std::size_t>(std::count_if(
                          all.begin(), all.end(), [](const auto& r) { return r.first % 2; })));

  // read() says which node sent what, and when each node is done.
  std::vector<std::size_t> from(2), ended;
  client::LogQuery query;
  query.channel = "log";
  query.min = 10'000;
  query.max = 10'100;
  auto read = client::run_sync<void>(loop, [&](auto cb) {
    logs.read(
        query,
        [&](std::size_t node, std::uint64_t key, std::string_view) {
          CHECK(cluster.owner(key) == node);
          ++from[node];
        },
        [&](std::size_t node) { ended.push_back(node); }, cb);
  });
  REQUIRE(read.ok());
  CHECK(from[0] + from[1] == 15);
  CHECK(ended.size() == 2);

  // A refusal by one node fails the whole read.
  cluster.nodes[1]->script = [](const proto::Request& r, net::Connection& conn) {
    if (r.command != proto::Command::get_range)
      return false;
    proto::Response response;
    response.status = proto::StatusCode::bad_channel_name;
    proto::encode_response(r.command, response, conn.output());
    return true;
  };
  got.clear();
  auto refused = read_range(loop, logs, 0, ~0ull, "", got);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("BadChannelName to GetRange") != std::string::npos);
}

TEST_CASE("client::Importer::flush sends partly filled batches", "[client][logs]")
{
  net::Loop loop;
  LogCluster cluster(loop);
  client::LogStore logs(loop, cluster.endpoints());
  REQUIRE(client::run_sync<void>(loop, [&](auto cb) { logs.handshake(cb); }).ok());
  client::ImportOptions opts;
  opts.append = true;
  client::Importer importer(logs, "log", opts);
  importer.add(1'795'356'000, "one");
  importer.add(1'795'356'001, "two");
  importer.flush();
  test::run_until(loop, [&] { return importer.records_stored() == 2; });
  CHECK(cluster.nodes[0]->logs["log"].size() + cluster.nodes[1]->logs["log"].size() == 2);
  importer.add(1'795'356'002, "three");
  auto done = client::run_sync<void>(loop, [&](auto cb) { importer.finish(cb); });
  REQUIRE(done.ok());
  CHECK(importer.records_stored() == 3);
  importer.flush(); // after finish: nothing
}
