// Unit tests for the queue node's ring and its .rq files: item placement with wrap and gap at
// every position, the exact bytes of the original format, and damaged files.
#include "byte_ring.hpp"
#include "queue_storage_helpers.hpp"
#include "rq_file.hpp"

#include "core/crc32c.hpp"

#include <random>

using namespace qtest;
using shoal::core::crc32c;

namespace {

ByteRing
make_ring(std::size_t capacity)
{
  auto ring = ByteRing::create(capacity);
  REQUIRE(ring.ok());
  return std::move(*ring);
}

// The .rq body of values as the original lays it out.
std::string
items_of(const std::deque<std::string>& values)
{
  std::string out;
  for (const auto& v : values) {
    std::uint64_t n = v.size();
    out.append(reinterpret_cast<const char*>(&n), 8);
    out += v;
  }
  return out;
}

std::string
runs_of(const ByteRing& ring)
{
  std::string out;
  for (auto run : ring.runs())
    out += run;
  return out;
}

// A reference ring that keeps item offsets explicitly: the next item goes at the tail if it
// fits before the end, else at offset 0 if it fits before the head (specs/swarm.md §4.1).
struct RefRing {
  std::size_t capacity;
  std::deque<std::pair<std::size_t, std::string>> items; // offset, value

  bool push(const std::string& v)
  {
    std::size_t size = 8 + v.size();
    if (items.empty()) {
      if (size > capacity)
        return false;
      items.emplace_back(0, v);
      return true;
    }
    std::size_t head = items.front().first;
    std::size_t tail = items.back().first + 8 + items.back().second.size();
    bool wrapped = tail <= head; // the newest item lies before the oldest
    if (wrapped) {
      if (tail + size > head)
        return false;
      items.emplace_back(tail, v);
    } else if (tail + size <= capacity) {
      items.emplace_back(tail, v);
    } else if (size <= head) {
      items.emplace_back(0, v);
    } else {
      return false;
    }
    return true;
  }
};

} // namespace

TEST_CASE("crc32c matches the Castagnoli check value", "[queue_storage]")
{
  CHECK(crc32c("123456789") == 0xe3069283u);
  CHECK(crc32c("") == 0);
  CHECK(crc32c("56789", crc32c("1234")) == 0xe3069283u);
  std::string big(1000, 'x');
  CHECK(crc32c(big.substr(0, 3), 0) != crc32c(big, 0));
}

TEST_CASE("ring: wrap and gap with the head at every position", "[queue_storage]")
{
  const std::size_t capacity = 48;
  ByteRing ring = make_ring(capacity);
  for (std::size_t head = 0; head + 8 <= capacity; ++head) {
    if (head > 0 && head < 8)
      continue; // a filler item takes at least 8 bytes
    for (std::size_t x = 0; head + 8 + x <= capacity; ++x) {
      for (std::size_t y = 0; y <= capacity; ++y) {
        ring.clear();
        std::string filler(head >= 8 ? head - 8 : 0, 'f'), vx(x, 'x'), vy(y, 'y');
        if (head > 0)
          REQUIRE(ring.push(filler));
        REQUIRE(ring.push(vx));
        if (head > 0)
          ring.pop();
        std::size_t tail = head + 8 + x;
        bool after = tail + 8 + y <= capacity;
        bool wraps = !after && 8 + y <= head;
        REQUIRE(ring.fits(y) == (after || wraps));
        REQUIRE(ring.push(vy) == (after || wraps));
        std::deque<std::string> expect{vx};
        if (after || wraps)
          expect.push_back(vy);
        REQUIRE(runs_of(ring) == items_of(expect));
        REQUIRE(ring.used() == items_of(expect).size());
        REQUIRE(ring.front() == vx);
        ring.pop();
        if (after || wraps) {
          REQUIRE(ring.front() == vy);
          ring.pop();
        }
        REQUIRE(ring.empty());
        REQUIRE(ring.used() == 0);
      }
    }
  }
}

TEST_CASE("ring: random pushes and pops agree with a reference ring", "[queue_storage]")
{
  std::mt19937 rng(7);
  for (std::size_t capacity : {8u, 9u, 31u, 64u, 100u}) {
    ByteRing ring = make_ring(capacity);
    RefRing ref{capacity, {}};
    for (int op = 0; op < 20000; ++op) {
      if (rng() % 2) {
        std::string v(rng() % (capacity + 2), static_cast<char>('a' + op % 26));
        REQUIRE(ring.push(v) == ref.push(v));
      } else if (!ref.items.empty()) {
        REQUIRE(ring.front() == ref.items.front().second);
        ring.pop();
        ref.items.pop_front();
      }
      REQUIRE(ring.items() == ref.items.size());
      std::deque<std::string> values;
      for (auto& item : ref.items)
        values.push_back(item.second);
      REQUIRE(runs_of(ring) == items_of(values));
    }
  }
}

TEST_CASE("ring: capacity 0 holds nothing, and a larger load grows it", "[queue_storage]")
{
  ByteRing none = make_ring(0);
  CHECK_FALSE(none.fits(0));
  CHECK_FALSE(none.push(""));
  ByteRing small = make_ring(16);
  auto p = small.prepare_load(40);
  REQUIRE(p.ok());
  CHECK(small.capacity() == 40);
}

TEST_CASE(".rq: the bytes of the spec fixture ch2.rq", "[queue_storage]")
{
  TempDir dir;
  ByteRing ring = make_ring(1024);
  REQUIRE(ring.push("Hello ch2!"));
  REQUIRE(save_rq(ring, dir.file("ch2.rq")).ok());
  const std::string fixture("\x01\x00\x00\x00"
                            "\x12\x00\x00\x00\x00\x00\x00\x00"
                            "\x0a\x00\x00\x00\x00\x00\x00\x00"
                            "Hello ch2!",
                            30);
  CHECK(slurp(dir.file("ch2.rq")) == fixture);
  CHECK(dir.names() == std::set<std::string>{"ch2.rq"});

  ByteRing back = make_ring(64);
  REQUIRE(load_rq(dir.file("ch2.rq"), back).ok());
  CHECK(back.items() == 1);
  CHECK(back.front() == "Hello ch2!");
}

TEST_CASE(".rq: a wrapped ring saves head to tail and loads back", "[queue_storage]")
{
  TempDir dir;
  ByteRing ring = make_ring(100);
  std::deque<std::string> model;
  for (int i = 0; i < 500; ++i) { // leaves the ring wrapped with a gap at some point
    std::string v = numbered(static_cast<std::uint64_t>(i), 20);
    while (!ring.push(v)) {
      ring.pop();
      model.pop_front();
    }
    model.push_back(v);
    if (i % 97 == 0 || i > 495) {
      REQUIRE(save_rq(ring, dir.file("q.rq")).ok());
      std::string file = slurp(dir.file("q.rq"));
      REQUIRE(file.substr(12) == items_of(model));
      ByteRing back = make_ring(10); // smaller than the image: grows
      REQUIRE(load_rq(dir.file("q.rq"), back).ok());
      REQUIRE(back.items() == model.size());
      REQUIRE(runs_of(back) == items_of(model));
    }
  }
}

TEST_CASE(".rq: truncated and corrupt files are errors naming file and offset", "[queue_storage]")
{
  TempDir dir;
  ByteRing ring = make_ring(200);
  for (int i = 0; i < 5; ++i)
    REQUIRE(ring.push(numbered(static_cast<std::uint64_t>(i), 10)));
  std::string path = dir.file("c.rq");
  REQUIRE(save_rq(ring, path).ok());
  const std::string good = slurp(path);

  for (std::size_t n = 1; n < good.size(); ++n) {
    spit(path, good.substr(0, n));
    ByteRing back = make_ring(200);
    auto s = load_rq(path, back);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == shoal::core::Errc::bad_data);
    CHECK_THAT(s.error().message, Catch::Contains(path) && Catch::Contains("offset"));
  }
  spit(path, "");
  ByteRing empty = make_ring(10);
  CHECK(load_rq(path, empty).ok());
  CHECK(empty.empty());

  std::string wrong_count = good;
  wrong_count[0] = 6;
  spit(path, wrong_count);
  CHECK_FALSE(load_rq(path, empty).ok());
  std::string long_item = good;
  long_item[12] = 100; // the first item claims more bytes than there are
  spit(path, long_item);
  CHECK_FALSE(load_rq(path, empty).ok());
  spit(path, good + "x");
  CHECK_FALSE(load_rq(path, empty).ok());
}
