// Unit tests for dhtdump: the timing rules (initial delay, next wait, retry), the stats, and
// whole dump cycles against a fake node: files, skipped empty values, failures that must leave
// the previous dump intact and no temporary file behind, and stopping in the middle.
#include "dump_cycle.hpp"
#include "dump_stats.hpp"
#include "fake_dht_node.hpp"
#include "schedule.hpp"
#include "temp_dir.hpp"

#include "core/hex.hpp"
#include "store/atomic_file.hpp"
#include "store/tcm.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <map>
#include <set>

using namespace shoal;
using namespace shoal::dhtdump;
using test::FakeDhtNode;

TEST_CASE("dhtdump: --initial-delay parsing", "[dhtdump]")
{
  auto random = parse_initial_delay("random");
  REQUIRE(random);
  CHECK(random->random);
  auto zero = parse_initial_delay("0");
  REQUIRE(zero);
  CHECK_FALSE(zero->random);
  CHECK(zero->fixed_ms == 0);
  CHECK(parse_initial_delay("90s")->fixed_ms == 90'000);
  CHECK(parse_initial_delay("2h")->fixed_ms == 7'200'000);
  CHECK(parse_initial_delay("250ms")->fixed_ms == 250);
  CHECK(parse_initial_delay("5")->fixed_ms == 5'000); // a bare number is seconds
  for (const char* bad : {"", "Random", "soon", "-1", "5x", "1.5h"}) {
    auto parsed = parse_initial_delay(bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == core::Errc::config);
  }
}

TEST_CASE("dhtdump: the initial delay is random below the period, or fixed", "[dhtdump]")
{
  InitialDelay random;
  CHECK(initial_delay_ms(random, 1000, 0) == 0);
  CHECK(initial_delay_ms(random, 1000, 999) == 999);
  CHECK(initial_delay_ms(random, 1000, 1000) == 0);
  CHECK(initial_delay_ms(random, 1000, UINT64_MAX) == UINT64_MAX % 1000);
  CHECK(initial_delay_ms(random, 0, 12345) == 0);
  InitialDelay fixed{false, 42};
  CHECK(initial_delay_ms(fixed, 1000, 999) == 42);
  CHECK(initial_delay_ms(fixed, 10, 999) == 42); // a fixed delay may exceed the period
}

TEST_CASE("dhtdump: the wait after a cycle", "[dhtdump]")
{
  Schedule s{/*period*/ 3'600'000, /*min_wait*/ 60'000, /*retry_wait*/ 30'000};
  SECTION("the rest of the period")
  {
    auto w = s.next(true, 600'000);
    CHECK(w.ms == 3'000'000);
    CHECK_FALSE(w.clamped);
    CHECK(s.next(true, 0).ms == 3'600'000);
  }
  SECTION("at least min-wait, flagged as clamped")
  {
    auto w = s.next(true, 3'590'000); // 10 s of period left
    CHECK(w.ms == 60'000);
    CHECK(w.clamped);
    CHECK(s.next(true, 3'600'000).ms == 60'000);
    CHECK(s.next(true, 10 * 3'600'000).clamped); // overran the period: no underflow
    CHECK(s.next(true, 10 * 3'600'000).ms == 60'000);
  }
  SECTION("exactly min-wait left is not clamped")
  {
    auto w = s.next(true, 3'540'000);
    CHECK(w.ms == 60'000);
    CHECK_FALSE(w.clamped);
  }
  SECTION("retry-wait after a failure, however long the cycle took")
  {
    for (std::uint64_t took : {0ULL, 5'000ULL, 100 * 3'600'000ULL}) {
      auto w = s.next(false, took);
      CHECK(w.ms == 30'000);
      CHECK_FALSE(w.clamped);
    }
  }
  SECTION("min-wait 0")
  {
    Schedule eager{1000, 0, 1};
    CHECK(eager.next(true, 5000).ms == 0);
    CHECK_FALSE(eager.next(true, 5000).clamped);
  }
}

namespace {
std::map<std::string, std::string>
pairs(const core::StatsList& list)
{
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : list.entries())
    out[k] = v;
  return out;
}
} // namespace

TEST_CASE("dhtdump: stats", "[dhtdump]")
{
  DumpStats stats;
  stats.record_written(40);
  stats.record_written(2);
  stats.channel_dumped("a", 2, 42);
  stats.channel_dumped("b", 1, 33);
  stats.cycle_ended(true, 1234);
  stats.cycle_ended(false, 99);
  auto first = pairs(stats.report());
  CHECK(first["records_written"] == "2");
  CHECK(first["bytes_written"] == "42");
  CHECK(first["last_time_ms"] == "1234"); // a failed cycle does not count
  CHECK(first["cycles"] == "1");
  CHECK(first["failed_cycles"] == "1");
  CHECK(first["channel/a/records_written"] == "2");
  CHECK(first["channel/b/bytes_written"] == "33");
  auto second = pairs(stats.report());
  CHECK(second["records_written"] == "0"); // reset by each report
  CHECK(second["bytes_written"] == "0");
  CHECK(second["channel/a/records_written"] == "2"); // as of the last dump
  stats.keep_only({"b", "c"});
  auto third = pairs(stats.report());
  CHECK(third.count("channel/a/records_written") == 0);
  CHECK(third["channel/b/records_written"] == "1");
  CHECK(stats.channels() == 1);
}

namespace {
using DumpDir = testutil::TempDir;

// The records of a dump file, key -> value.
std::map<std::uint64_t, std::string>
read_dump(const std::string& path)
{
  auto reader = store::TcmReader::open(path);
  REQUIRE(reader);
  std::map<std::uint64_t, std::string> out;
  store::TcmRecord record;
  for (;;) {
    auto more = reader->next(record);
    REQUIRE(more);
    if (!*more)
      break;
    auto key = core::parse_key(record.key);
    REQUIRE(key);
    out[*key] = std::string(record.value);
  }
  CHECK(reader->file_size() % store::tcm_block_size == 0);
  return out;
}

// Runs one cycle to its end (bounded by a deadline) and returns its report.
CycleReport
run_cycle(net::Loop& loop, client::NodeClient& client, DumpStats& stats, const std::string& dir)
{
  std::optional<CycleReport> report;
  DumpCycle cycle(loop, client, stats, dir, [&](const CycleReport& r) {
    report = r;
    loop.stop();
  });
  net::Timer deadline(loop);
  deadline.start(20'000, 0, [&] { loop.stop(); });
  cycle.start();
  loop.run();
  REQUIRE(report);
  return *report;
}

// Writes an old dump of channel into dir, to check that failures leave it alone.
void
write_old_dump(const DumpDir& dir, const std::string& channel)
{
  auto writer = store::TcmWriter::create(dir.file(channel + ".tcm"));
  REQUIRE(writer);
  REQUIRE(writer->add(7, "old"));
  REQUIRE(writer->commit());
}

// Installs a write hook for one scope that fails every write with ENOSPC.
class FullDisk
{
public:
  FullDisk()
  {
    store::set_write_hook([this](int, const void*, std::size_t) -> ssize_t {
      ++calls;
      errno = ENOSPC;
      return -1;
    });
  }
  ~FullDisk() { store::set_write_hook({}); }
  FullDisk(const FullDisk&) = delete;
  FullDisk& operator=(const FullDisk&) = delete;
  std::atomic<int> calls{0};
};
} // namespace

TEST_CASE("dhtdump: a cycle dumps every channel, skipping empty values", "[dhtdump]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  DumpDir dir;
  std::map<std::uint64_t, std::string> a, b;
  for (std::uint64_t k = 0; k < 3000; ++k)
    a[k * 0x9e3779b97f4a7c15ULL] = std::string(k % 100 + 1, static_cast<char>(k));
  b[1] = std::string("\0\xff\n", 3);
  node.channels["a"] = a;
  node.channels["b"] = b;
  node.channels["b"][2] = ""; // an empty value: not written (the loader would skip it)
  node.channels["empty"] = {};
  write_old_dump(dir, "empty"); // the channel was emptied: its dump must become empty too
  {
    client::NodeClient client(loop, node.endpoint);
    DumpStats stats;
    stats.channel_dumped("gone", 5, 5); // a channel that the node no longer has
    auto report = run_cycle(loop, client, stats, dir.path());
    CHECK(report.outcome == CycleOutcome::done);
    CHECK(report.channels == 3);
    CHECK(report.records == a.size() + 1);
    std::uint64_t bytes = 0;
    for (const auto& [k, v] : a)
      bytes += 32 + v.size();
    CHECK(report.bytes == bytes + 32 + 3);
    CHECK(dir.names() == std::set<std::string>{"a.tcm", "b.tcm", "empty.tcm"});
    CHECK(read_dump(dir.file("a.tcm")) == a);
    CHECK(read_dump(dir.file("b.tcm")) == b);
    CHECK(read_dump(dir.file("empty.tcm")).empty());
    auto figures = pairs(stats.report());
    CHECK(figures["records_written"] == std::to_string(a.size() + 1));
    CHECK(figures["channel/a/records_written"] == std::to_string(a.size()));
    CHECK(figures["channel/b/bytes_written"] == "35");
    CHECK(figures.count("channel/gone/records_written") == 0);
  }
  node.shut();
}

TEST_CASE("dhtdump: a failed dump leaves the previous file and no temporary file", "[dhtdump]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  DumpDir dir;
  write_old_dump(dir, "ch");
  auto old = read_dump(dir.file("ch.tcm"));
  client::NodeClientOptions opts;
  SECTION("the node closes the connection in the middle of the stream")
  {
    for (std::uint64_t k = 0; k < 5000; ++k)
      node.channels["ch"][k] = std::string(100, 'v');
    node.script = [&](const proto::Request& r, net::Connection& conn) {
      if (r.command != proto::Command::get_all)
        return false;
      std::string all;
      node.answer(r, all);
      conn.output().append(all, 0, all.size() / 2);
      conn.close_after_flush();
      return true;
    };
  }
  SECTION("the node refuses GetChannels")
  {
    node.channels["ch"][1] = "new";
    node.script = [&](const proto::Request& r, net::Connection& conn) {
      if (r.command != proto::Command::get_channels)
        return false;
      proto::Response refused;
      refused.status = proto::StatusCode::error;
      proto::encode_response(r.command, refused, conn.output());
      return true;
    };
  }
  SECTION("the node goes silent in the middle of the stream")
  {
    for (std::uint64_t k = 0; k < 5000; ++k)
      node.channels["ch"][k] = std::string(100, 'v');
    node.script = [&](const proto::Request& r, net::Connection& conn) {
      if (r.command != proto::Command::get_all)
        return false;
      std::string all;
      node.answer(r, all);
      conn.output().append(all, 0, all.size() / 2);
      return true;
    };
    opts.stream_timeout_ms = 200;
  }
  client::NodeClient client(loop, node.endpoint, opts);
  DumpStats stats;
  auto report = run_cycle(loop, client, stats, dir.path());
  CHECK(report.outcome == CycleOutcome::failed);
  REQUIRE(report.error);
  CHECK(report.channels == 0);
  CHECK(dir.names() == std::set<std::string>{"ch.tcm"});
  CHECK(read_dump(dir.file("ch.tcm")) == old);
  node.shut();
}

TEST_CASE("dhtdump: a full disk fails the cycle and deletes the temporary file", "[dhtdump]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  DumpDir dir;
  write_old_dump(dir, "ch");
  auto old = read_dump(dir.file("ch.tcm"));
  std::size_t records = GENERATE(10, 10'000); // fails at commit, or in the middle (> 4 MiB)
  for (std::uint64_t k = 0; k < records; ++k)
    node.channels["ch"][k] = std::string(1000, 'v');
  {
    client::NodeClient client(loop, node.endpoint);
    DumpStats stats;
    CycleReport report;
    {
      FullDisk full;
      report = run_cycle(loop, client, stats, dir.path());
      CHECK(full.calls > 0);
    }
    CHECK(report.outcome == CycleOutcome::failed);
    REQUIRE(report.error);
    CHECK(report.error->code == core::Errc::io);
    CHECK(dir.names() == std::set<std::string>{"ch.tcm"});
    CHECK(read_dump(dir.file("ch.tcm")) == old);
    // The next cycle, with room on the disk, succeeds with the same client.
    auto retry = run_cycle(loop, client, stats, dir.path());
    CHECK(retry.outcome == CycleOutcome::done);
    CHECK(read_dump(dir.file("ch.tcm")).size() == records);
  }
  node.shut();
}

TEST_CASE("dhtdump: stopping a cycle in the middle of a stream deletes its temporary file",
          "[dhtdump]")
{
  net::Loop loop;
  FakeDhtNode node(loop);
  DumpDir dir;
  write_old_dump(dir, "ch");
  for (std::uint64_t k = 0; k < 5000; ++k)
    node.channels["ch"][k] = std::string(100, 'v');
  bool streaming = false;
  node.script = [&](const proto::Request& r, net::Connection& conn) {
    if (r.command != proto::Command::get_all)
      return false;
    std::string all;
    node.answer(r, all);
    conn.output().append(all, 0, all.size() / 2); // and never the rest
    streaming = true;
    return true;
  };
  {
    client::NodeClient client(loop, node.endpoint);
    DumpStats stats;
    bool called = false;
    DumpCycle cycle(loop, client, stats, dir.path(), [&](const CycleReport&) { called = true; });
    net::Timer poll(loop);
    int turns = 0;
    poll.start(5, 5, [&] {
      if ((streaming && dir.names().size() == 2) || ++turns > 2000)
        loop.stop();
    });
    cycle.start();
    loop.run();
    REQUIRE(dir.names().size() == 2); // ch.tcm and ch.tcm.XXXXXX.dumping
    CHECK(cycle.running());
    CHECK(cycle.stop());
    CHECK_FALSE(cycle.running());
    CHECK(dir.names() == std::set<std::string>{"ch.tcm"});
    poll.start(50, 0, [&] { loop.stop(); });
    loop.run();
    CHECK_FALSE(called);
  }
  node.shut();
}

TEST_CASE("dhtdump: a channel removed during its dump is not written", "[dhtdump]")
{
  // The node moved the channel's file to deleted/; a new file would bring the channel back.
  net::Loop loop;
  FakeDhtNode node(loop);
  DumpDir dir;
  write_old_dump(dir, "gone");
  auto old = read_dump(dir.file("gone.tcm"));
  for (std::uint64_t k = 0; k < 100; ++k) {
    node.channels["gone"][k] = "partial";
    node.channels["kept"][k] = "kept";
  }
  node.script = [&](const proto::Request& r, net::Connection& conn) {
    if (r.command != proto::Command::get_all || r.channel != "gone")
      return false;
    node.answer(r, conn.output());
    node.channels.erase("gone"); // RemoveChannel right after the stream
    return true;
  };
  {
    client::NodeClient client(loop, node.endpoint);
    DumpStats stats;
    stats.channel_dumped("gone", 1, 1);
    auto report = run_cycle(loop, client, stats, dir.path());
    CHECK(report.outcome == CycleOutcome::done);
    CHECK(report.channels == 1);
    CHECK(report.records == 100);
    CHECK(dir.names() == std::set<std::string>{"gone.tcm", "kept.tcm"});
    CHECK(read_dump(dir.file("gone.tcm")) == old); // untouched: the node's business
    auto figures = pairs(stats.report());
    CHECK(figures.count("channel/gone/records_written") == 0);
    CHECK(figures["channel/kept/records_written"] == "100");
  }
  node.shut();
}
