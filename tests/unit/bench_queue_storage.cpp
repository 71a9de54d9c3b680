// Hand-run benchmarks of the queue node's storage (hidden from ctest): push and pop throughput
// of 100-byte records in memory and through the overflow file, and the durable journal's
// throughput and group-commit latency. Run: build/release/bin/unit_tests "[.bench][queue]"
#include "queue_storage_helpers.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

using namespace qtest;
using Clock = std::chrono::steady_clock;

namespace {

double
seconds_since(Clock::time_point start)
{
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Pushes n records of 100 bytes, then pops them all; prints the rates.
void
push_then_pop(Queue& queue, int n, const char* label)
{
  std::string value(100, 'v');
  auto start = Clock::now();
  for (int i = 0; i < n; ++i)
    REQUIRE(queue.push(value).status == PushStatus::ok);
  double push = seconds_since(start);
  std::string_view out;
  start = Clock::now();
  for (int i = 0; i < n; ++i)
    REQUIRE(*queue.pop(out));
  double pop = seconds_since(start);
  std::printf("%-34s push %6.2f M/s (%4.0f ns)  pop %6.2f M/s (%4.0f ns)\n", label, n / push / 1e6,
              push / n * 1e9, n / pop / 1e6, pop / n * 1e9);
}

// Alternates push and pop with `depth` records waiting; prints pairs per second.
void
steady(Queue& queue, int depth, int n, const char* label)
{
  std::string value(100, 'v');
  for (int i = 0; i < depth; ++i)
    REQUIRE(queue.push(value).status == PushStatus::ok);
  std::string_view out;
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    REQUIRE(queue.push(value).status == PushStatus::ok);
    REQUIRE(*queue.pop(out));
  }
  double t = seconds_since(start);
  std::printf("%-34s push+pop %6.2f M pairs/s (%4.0f ns)\n", label, n / t / 1e6, t / n * 1e9);
  REQUIRE(drain(queue).size() == static_cast<std::size_t>(depth));
}

} // namespace

TEST_CASE("bench: queue push and pop, memory and overflow", "[.bench][queue]")
{
  TempDir dir;
  StoreOptions o;
  o.dir = dir.path();
  o.overflow_limit = 4ULL << 30;
  auto store = open_store(o, 256 << 20);
  // The first pass touches fresh pages (page faults, costly in a VM); the second is warm.
  push_then_pop(**store->get_or_create("mem"), 1000000, "memory, cold ring (256 MiB)");
  push_then_pop(**store->get_or_create("mem"), 1000000, "memory, warm ring");
  steady(**store->get_or_create("mem2"), 1000, 2000000, "memory, 1000 waiting, cold");
  steady(**store->get_or_create("mem2"), 1000, 2000000, "memory, 1000 waiting, warm");

  auto small = open_store(o, 1 << 20);
  push_then_pop(**small->get_or_create("ovf"), 2000000, "overflow (1 MiB ring, 200 MB)");
  steady(**small->get_or_create("ovf2"), 100000, 2000000, "overflow, 100000 waiting");
}

namespace {

// Pushes at `rate` records/s for `duration` s and prints the latency from push to durable.
void
journal_latency(std::chrono::microseconds interval, double rate, double duration)
{
  TempDir dir;
  std::atomic<std::uint64_t> groups{0};
  StoreOptions o;
  o.dir = dir.path();
  o.durable = true;
  o.journal.interval = interval;
  std::atomic<std::uint64_t> synced_seen{0};
  o.journal.wakeup = [&] { ++groups; };
  auto store = open_store(o, 256 << 20);
  Queue& queue = **store->get_or_create("ch");
  std::string value(100, 'v');
  std::vector<std::pair<Clock::time_point, std::uint64_t>> pushes;
  std::vector<std::pair<Clock::time_point, std::uint64_t>> observed; // loop thread's view
  auto start = Clock::now();
  auto gap = std::chrono::duration<double>(1.0 / rate);
  for (int i = 0;; ++i) {
    auto due = start + std::chrono::duration_cast<Clock::duration>(gap * i);
    while (Clock::now() < due) {
      std::uint64_t s = store->synced_seq();
      if (s != synced_seen.load()) {
        synced_seen = s;
        observed.emplace_back(Clock::now(), s);
      }
    }
    if (seconds_since(start) > duration)
      break;
    pushes.emplace_back(Clock::now(), queue.push(value).seq);
    std::string_view out;
    REQUIRE(*queue.pop(out));
  }
  store->wait_synced();
  observed.emplace_back(Clock::now(), store->synced_seq());
  std::vector<double> latency;
  std::size_t k = 0;
  for (auto& [t, seq] : pushes) {
    while (observed[k].second < seq)
      ++k;
    latency.push_back(std::chrono::duration<double, std::micro>(observed[k].first - t).count());
  }
  std::sort(latency.begin(), latency.end());
  auto pct = [&](double p) { return latency[static_cast<std::size_t>(p * (latency.size() - 1))]; };
  std::printf("interval %5lld us, %7.0f push+pop/s: %6zu pushes, %5llu groups (%5.1f entries "
              "each); push-to-durable p50 %6.0f us, p99 %6.0f us, max %6.0f us\n",
              static_cast<long long>(interval.count()), rate, pushes.size(),
              static_cast<unsigned long long>(groups.load()),
              2.0 * static_cast<double>(pushes.size()) /
                  std::max<double>(1, static_cast<double>(groups.load())),
              pct(0.5), pct(0.99), latency.back());
}

} // namespace

TEST_CASE("bench: durable journal throughput and group-commit latency", "[.bench][queue]")
{
  {
    TempDir dir;
    StoreOptions o;
    o.dir = dir.path();
    o.durable = true;
    auto store = open_store(o, 256 << 20);
    Queue& queue = **store->get_or_create("ch");
    std::string value(100, 'v');
    const int n = 1000000;
    auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      REQUIRE(queue.push(value).status == PushStatus::ok);
      std::string_view out;
      REQUIRE(*queue.pop(out));
    }
    double loop = seconds_since(start);
    store->wait_synced();
    double total = seconds_since(start);
    std::printf("durable push+pop, as fast as possible: loop %.2f M pairs/s (%.0f ns), all "
                "durable after %.2f s = %.2f M pairs/s, journal %.0f MB/s\n",
                n / loop / 1e6, loop / n * 1e9, total, n / total / 1e6,
                static_cast<double>(n) * (13 + 100 + 13 + 8) / total / 1e6);
    auto ck = Clock::now();
    REQUIRE(store->checkpoint().ok());
    std::printf("checkpoint of a drained queue: %.2f ms\n", seconds_since(ck) * 1e3);
    for (int i = 0; i < 500000; ++i)
      REQUIRE(queue.push(value).status == PushStatus::ok);
    ck = Clock::now();
    REQUIRE(store->checkpoint().ok());
    std::printf("checkpoint with 54 MB in the ring: %.2f ms\n", seconds_since(ck) * 1e3);
  }
  for (auto interval : {std::chrono::microseconds(2000), std::chrono::microseconds(0)})
    for (double rate : {1000.0, 20000.0, 200000.0})
      journal_latency(interval, rate, 2.0);
}
