// Unit tests for the dhtnode record table: differential test against std::unordered_map,
// hostile key patterns, growth and shrinking, and iteration that survives mutation.
#include "record_table.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

using namespace shoal::dhtnode;

namespace {

// A value whose bytes depend on key, length and version, so that a stale value shows.
std::string
make_value(std::uint64_t key, std::size_t length, unsigned version = 0)
{
  std::string value(length, '\0');
  for (std::size_t i = 0; i < length; ++i)
    value[i] = static_cast<char>((key >> (i % 8 * 8)) + i * 31 + version);
  return value;
}

// How many times scan() returned each key, scanning in steps of at most step records.
std::unordered_map<std::uint64_t, int>
scan_all(const RecordTable& table, std::size_t step)
{
  std::unordered_map<std::uint64_t, int> seen;
  RecordTable::Cursor cursor;
  while (!table.scan(cursor, [&, n = std::size_t{0}](std::uint64_t key, std::string_view) mutable {
    ++seen[key];
    return ++n < step;
  })) {
  }
  return seen;
}

using Model = std::unordered_map<std::uint64_t, std::string>;

// Checks that a scan in steps of step records returns each record of model exactly once.
void
check_scan(const RecordTable& table, const Model& model, std::size_t step)
{
  auto seen = scan_all(table, step);
  REQUIRE(seen.size() == model.size());
  for (const auto& [key, count] : seen) {
    REQUIRE(count == 1);
    REQUIRE(model.count(key) == 1);
  }
}

// Checks that table holds exactly the records of model, through get() and through a scan.
void
check_same(const RecordTable& table, const Model& model)
{
  REQUIRE(table.size() == model.size());
  for (const auto& [key, value] : model)
    REQUIRE(table.get(key) == std::string_view(value));
  check_scan(table, model, 13);
}

// A value length: mostly small, sometimes empty, medium or past 64 KiB.
std::size_t
random_length(std::mt19937_64& rng)
{
  const auto dice = rng() % 1000;
  if (dice == 0)
    return 70000 + rng() % 1000;
  if (dice < 5)
    return 0;
  if (dice < 50)
    return rng() % 5000;
  return 1 + rng() % 200;
}

} // namespace

TEST_CASE("mix64 and unmix64 are inverse bijections", "[table]")
{
  static_assert(unmix64(mix64(0x0123456789abcdefULL)) == 0x0123456789abcdefULL);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t x = i < 4 ? std::uint64_t{0} - i : rng();
    REQUIRE(unmix64(mix64(x)) == x);
    REQUIRE(mix64(unmix64(x)) == x);
  }
  // Sequential keys (timestamps) must spread over the top bits, which pick the home slot.
  std::vector<bool> buckets(256);
  for (std::uint64_t key = 0; key < 1024; ++key)
    buckets[mix64(key) >> 56] = true;
  CHECK(std::count(buckets.begin(), buckets.end(), true) > 240);
}

TEST_CASE("RecordTable put, get, contains, remove", "[table]")
{
  RecordTable table(1);
  CHECK_FALSE(table.get(5));
  CHECK_FALSE(table.contains(5));
  CHECK_FALSE(table.remove(5));
  CHECK(table.memory_bytes() == 0);

  CHECK(table.put(5, "hello"));
  CHECK(table.get(5) == std::string_view("hello"));
  CHECK(table.contains(5));
  CHECK_FALSE(table.put(5, "world!"));
  CHECK(table.get(5) == std::string_view("world!"));
  CHECK(table.size() == 1);
  CHECK(table.value_bytes() == 6);

  const std::size_t memory = table.memory_bytes();
  CHECK_FALSE(table.put(5, "WORLD?")); // same length: updated in place
  CHECK(table.get(5) == std::string_view("WORLD?"));
  CHECK(table.memory_bytes() == memory);

  CHECK(table.put(6, ""));
  CHECK(table.get(6) == std::string_view());
  CHECK(table.remove(5));
  CHECK_FALSE(table.remove(5));
  CHECK(table.size() == 1);
  CHECK(table.value_bytes() == 0);
}

TEST_CASE("RecordTable values of every length class round-trip", "[table]")
{
  RecordTable table(2);
  const std::vector<std::size_t> lengths = {1,     127,   128,   16383,  16384,
                                            65535, 65536, 70000, 3 << 20};
  for (std::size_t length : lengths)
    table.put(length, make_value(length, length));
  for (std::size_t length : lengths)
    CHECK(table.get(length) == std::string_view(make_value(length, length)));

  ValueBuffer buffer(300);
  std::fill(buffer.data(), buffer.data() + buffer.size(), 'x');
  CHECK(table.put(42, std::move(buffer)));
  CHECK(buffer.size() == 0);
  CHECK(table.get(42) == std::string_view(std::string(300, 'x')));
  ValueBuffer smaller(2);
  smaller.data()[0] = 'o';
  smaller.data()[1] = 'k';
  CHECK_FALSE(table.put(42, std::move(smaller)));
  CHECK(table.get(42) == std::string_view("ok"));
}

TEST_CASE("RecordTable agrees with std::unordered_map under random operations", "[table]")
{
  RecordTable table(3);
  Model model;
  std::mt19937_64 rng(3);
  std::vector<std::uint64_t> pool = {0, ~std::uint64_t{0}, 1, ~std::uint64_t{1}};
  while (pool.size() < 20000)
    pool.push_back(pool.size() % 2 ? rng() : pool.size()); // random and sequential keys
  std::size_t shrinks = 0;
  for (unsigned op = 0; op < 400000; ++op) {
    const bool filling = op / 50000 % 2 == 0; // alternate phases so the table grows and shrinks
    const std::uint64_t key = pool[rng() % pool.size()];
    const auto dice = rng() % 100;
    const std::size_t slots = table.slot_count();
    if (dice < (filling ? 70u : 5u)) {
      std::string value = make_value(key, random_length(rng), op);
      REQUIRE(table.put(key, value) == (model.count(key) == 0));
      model[key] = std::move(value);
    } else if (dice < 80) {
      REQUIRE(table.remove(key) == (model.erase(key) == 1));
    } else {
      auto it = model.find(key);
      REQUIRE(table.get(key) ==
              (it == model.end() ? std::nullopt : std::optional<std::string_view>(it->second)));
    }
    shrinks += table.slot_count() < slots;
    REQUIRE(table.size() == model.size());
    if (op % 100000 == 99999) {
      check_same(table, model);
      std::uint64_t bytes = 0;
      for (const auto& [k, v] : model)
        bytes += v.size();
      REQUIRE(table.value_bytes() == bytes);
    }
    if (op == 250000) {
      table.clear();
      model.clear();
    }
  }
  check_same(table, model);
  CHECK(shrinks >= 3);
}

TEST_CASE("RecordTable survives keys that collide in the top bits", "[table]")
{
  RecordTable table(0); // seed 0: h = mix64(key), so keys can be aimed at one home slot
  Model model;
  for (std::uint64_t i = 0; i < 3000; ++i) {
    // One cluster in the middle and one at the very end, which must spill into the tail.
    for (std::uint64_t h : {std::uint64_t{0x8000000000000000ULL | i}, ~std::uint64_t{0} - i}) {
      const std::uint64_t key = unmix64(h);
      model[key] = make_value(key, 1 + i % 50);
      table.put(key, model[key]);
    }
    if (i % 7 == 0) {
      const std::uint64_t key = mix64(i);
      model[key] = make_value(key, 20);
      table.put(key, model[key]);
    }
  }
  check_same(table, model);
  CHECK(table.slot_count() < 4 * model.size()); // the tail grew, the home slots did not explode
  for (const auto& [key, value] : model)
    REQUIRE(table.remove(key));
  CHECK(table.size() == 0);
  CHECK(table.slot_count() < 100);
}

TEST_CASE("RecordTable stores sequential keys and the extremes", "[table]")
{
  RecordTable table;
  Model model;
  for (std::uint64_t i = 0; i < 50000; ++i) {
    for (std::uint64_t key : {i, ~i, i << 32}) {
      model[key] = make_value(key, 8);
      table.put(key, model[key]);
    }
  }
  check_same(table, model);
}

TEST_CASE("RecordTable gives memory back as it empties", "[table]")
{
  RecordTable table(4);
  for (std::uint64_t key = 0; key < 100000; ++key)
    table.put(key, make_value(key, 100));
  const std::size_t full = table.memory_bytes();
  // 112-byte blob chunks plus 16-byte slots at load 0.45-0.9.
  CHECK(full / table.size() >= 112 + 17);
  CHECK(full / table.size() <= 112 + 36);

  for (std::uint64_t key = 1000; key < 100000; ++key)
    REQUIRE(table.remove(key));
  CHECK(table.memory_bytes() < full / 50);
  CHECK(table.slot_count() < 4 * 1000);
  for (std::uint64_t key = 0; key < 1000; ++key)
    REQUIRE(table.get(key) == std::string_view(make_value(key, 100)));

  table.clear();
  CHECK(table.size() == 0);
  CHECK(table.value_bytes() == 0);
  CHECK(table.memory_bytes() == 0);
  CHECK(table.slot_count() == 0);
  CHECK(table.put(7, "again"));
  CHECK(table.get(7) == std::string_view("again"));
}

TEST_CASE("RecordTable::reserve avoids growing while loading", "[table]")
{
  RecordTable table(5);
  table.reserve(10000);
  const std::size_t slots = table.slot_count();
  for (std::uint64_t key = 0; key < 10000; ++key)
    table.put(key * 7919, "v");
  CHECK(table.slot_count() == slots);
}

TEST_CASE("RecordTable moves leave the source empty and usable", "[table]")
{
  RecordTable a(6);
  a.put(1, "one");
  RecordTable b(std::move(a));
  CHECK(b.get(1) == std::string_view("one"));
  CHECK(a.size() == 0);
  CHECK(a.memory_bytes() == 0);
  a.put(2, "two");
  b = std::move(a);
  CHECK(b.get(2) == std::string_view("two"));
  CHECK_FALSE(b.contains(1));
}

TEST_CASE("RecordTable::scan returns each record of a static table once", "[table]")
{
  RecordTable empty;
  RecordTable::Cursor cursor;
  CHECK(empty.scan(cursor, [](std::uint64_t, std::string_view) { return true; }));
  CHECK(cursor.finished());
  CHECK(empty.scan(cursor, [](std::uint64_t, std::string_view) { return true; }));

  RecordTable table(7);
  Model model;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t key = rng();
    model[key] = make_value(key, 1 + i % 30);
    table.put(key, model[key]);
  }
  for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{1000000}})
    check_scan(table, model, step);
  RecordTable::Cursor whole;
  std::size_t count = 0;
  CHECK(table.scan(whole, [&](std::uint64_t key, std::string_view value) {
    CHECK(value == model.at(key));
    return ++count > 0;
  }));
  CHECK(count == model.size());
}

TEST_CASE("RecordTable::scan survives growth, shrinking and removal between steps", "[table]")
{
  RecordTable table(8);
  Model model;
  std::vector<std::uint64_t> stable, doomed;
  std::mt19937_64 rng(8);
  for (int i = 0; i < 6000; ++i) {
    const std::uint64_t key = rng();
    (i % 12 ? doomed : stable).push_back(key);
    model[key] = make_value(key, 1 + i % 40);
    table.put(key, model[key]);
  }
  std::unordered_map<std::uint64_t, int> seen;
  std::vector<std::uint64_t> added;
  std::size_t grows = 0, shrinks = 0, steps = 0;
  RecordTable::Cursor cursor;
  for (bool done = false; !done; ++steps) {
    done = table.scan(cursor, [&, n = 0](std::uint64_t key, std::string_view value) mutable {
      REQUIRE(value == model.at(key));
      ++seen[key];
      return ++n < 7;
    });
    const std::size_t slots = table.slot_count();
    if (steps < 300) { // add 100 records a step: several grows
      for (int i = 0; i < 100; ++i) {
        added.push_back(rng());
        model[added.back()] = make_value(added.back(), 1 + i % 90, 1);
        table.put(added.back(), model[added.back()]);
      }
    } else { // then remove everything but the stable records: several shrinks
      for (int i = 0; i < 300 && (!added.empty() || !doomed.empty()); ++i) {
        auto& from = added.empty() ? doomed : added;
        REQUIRE(table.remove(from.back()));
        model.erase(from.back());
        from.pop_back();
      }
    }
    grows += table.slot_count() > slots;
    shrinks += table.slot_count() < slots;
  }
  INFO("steps " << steps << " grows " << grows << " shrinks " << shrinks);
  CHECK(grows >= 3);
  CHECK(shrinks >= 3);
  CHECK(added.empty());
  for (std::uint64_t key : stable)
    REQUIRE(seen[key] == 1);
  for (const auto& [key, count] : seen)
    REQUIRE(count == 1);
}

TEST_CASE("RecordTable::scan ends after clear() in the middle", "[table]")
{
  RecordTable table(9);
  for (std::uint64_t key = 0; key < 100; ++key)
    table.put(key, "v");
  RecordTable::Cursor cursor;
  std::size_t count = 0;
  CHECK_FALSE(table.scan(cursor, [&](std::uint64_t, std::string_view) { return ++count < 10; }));
  table.clear();
  CHECK(table.scan(cursor, [&](std::uint64_t, std::string_view) { return ++count > 0; }));
  CHECK(count == 10);
  CHECK(cursor.finished());
}

TEST_CASE("RecordTable::scan under random operations returns lasting records once", "[table]")
{
  RecordTable table(10);
  std::mt19937_64 rng(10);
  std::vector<std::uint64_t> pool(5000);
  for (auto& key : pool)
    key = rng();
  std::unordered_map<std::uint64_t, bool> lasting; // key -> present since the scan began
  std::unordered_map<std::uint64_t, int> seen;
  RecordTable::Cursor cursor;
  std::size_t scans = 0;
  for (unsigned op = 0; op < 200000; ++op) {
    const std::uint64_t key = pool[rng() % pool.size()];
    if (rng() % 100 < (op / 20000 % 2 ? 10u : 80u)) {
      table.put(key, make_value(key, 1 + rng() % 60, op));
    } else if (table.remove(key)) {
      lasting[key] = false;
    }
    if (op % 4 != 0)
      continue;
    const std::size_t step = 1 + rng() % 16;
    if (!table.scan(cursor, [&, n = std::size_t{0}](std::uint64_t k, std::string_view) mutable {
          REQUIRE(++seen[k] == 1);
          return ++n < step;
        }))
      continue;
    for (const auto& [k, present] : lasting)
      REQUIRE((!present || seen[k] == 1));
    ++scans;
    lasting.clear();
    seen.clear();
    cursor = {};
    for (std::uint64_t k : pool)
      if (table.contains(k))
        lasting[k] = true;
  }
  CHECK(scans > 20);
}
