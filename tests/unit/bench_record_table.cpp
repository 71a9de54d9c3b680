// Hand-run benchmark of the dhtnode record table (hidden from ctest): memory per record and
// throughput with 5 M records of 100 bytes. Run: build/release/bin/unit_tests "[.bench]"
#include "record_table.hpp"

#include <catch2/catch.hpp>

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

using namespace shoal::dhtnode;

namespace {

// The process's resident set size in bytes, from /proc/self/status.
std::size_t
rss_bytes()
{
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0)
      return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  return 0;
}

// Random-looking distinct 64-bit keys without storing them (splitmix64 of the index).
std::uint64_t
key_of(std::uint64_t i)
{
  std::uint64_t z = i * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double
seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

TEST_CASE("RecordTable benchmark: 5 M records of 100 bytes", "[.bench][table]")
{
  const std::size_t n = 5000000;
  const std::size_t rss_before = rss_bytes();
  RecordTable table;
  std::string value(100, 'v');

  auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(value.data(), &i, sizeof i);
    table.put(key_of(i), value);
  }
  const double put_s = seconds_since(start);
  const std::size_t rss = rss_bytes();
  std::printf("records %zu, slots %zu (load %.3f)\n", table.size(), table.slot_count(),
              double(table.size()) / double(table.slot_count()));
  std::printf("RSS %.1f MB = %.1f B/record (%.1f B/record above the %.1f MB before)\n", rss / 1e6,
              double(rss) / n, double(rss - rss_before) / n, rss_before / 1e6);
  std::printf("memory_bytes %.1f B/record\n", double(table.memory_bytes()) / n);
  std::printf("put (new keys, growth included) %.2f M/s\n", n / put_s / 1e6);

  std::size_t sink = 0;
  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) { // hits, in an order unrelated to insertion
    const auto found = table.get(key_of(i * 2654435761ULL % n));
    sink += found->size() + static_cast<unsigned char>((*found)[0]);
  }
  std::printf("get (hits) %.2f M/s\n", n / seconds_since(start) / 1e6);
  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i)
    sink += table.contains(key_of(n + i));
  std::printf("get (misses) %.2f M/s\n", n / seconds_since(start) / 1e6);

  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    std::memcpy(value.data(), &sink, sizeof sink);
    table.put(key_of(i * 2654435761ULL % n), value);
  }
  std::printf("put (replace, same length) %.2f M/s\n", n / seconds_since(start) / 1e6);

  start = std::chrono::steady_clock::now();
  RecordTable::Cursor cursor;
  std::size_t scanned = 0;
  while (!table.scan(cursor, [&](std::uint64_t key, std::string_view v) {
    sink += key + v.size();
    return ++scanned % 1000 != 0; // steps of 1000 records, like GetAll batches
  })) {
  }
  std::printf("scan of %zu records %.3f s (%.1f M/s)\n", scanned, seconds_since(start),
              scanned / seconds_since(start) / 1e6);

  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < n; ++i)
    table.remove(key_of(i));
  std::printf("remove %.2f M/s; slots left %zu\n", n / seconds_since(start) / 1e6,
              table.slot_count());
  malloc_trim(0);
  std::printf("RSS after removing all + malloc_trim %.1f MB (sink %zu)\n", rss_bytes() / 1e6,
              sink % 10);
  CHECK(scanned == n);
}

TEST_CASE("RecordTable benchmark: get from a table that fits the cache", "[.bench][table]")
{
  const std::size_t n = 50000, gets = 20000000;
  RecordTable table;
  const std::string value(100, 'v');
  for (std::size_t i = 0; i < n; ++i)
    table.put(key_of(i), value);
  std::size_t sink = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < gets; ++i) {
    const auto found = table.get(key_of(i * 2654435761ULL % n));
    sink += found->size() + static_cast<unsigned char>((*found)[0]);
  }
  std::printf("get (hits, %zu records, %.1f MB) %.2f M/s (sink %zu)\n", n,
              table.memory_bytes() / 1e6, gets / seconds_since(start) / 1e6, sink % 10);
  CHECK(table.size() == n);
}
