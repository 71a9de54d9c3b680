// Unit tests for the queue node's queues (non-durable mode): FIFO order through ring, overflow
// and back, the overflow disk budget, disk reclaim, save and load across a restart, names.
#include "overflow_file.hpp"
#include "queue_storage_helpers.hpp"

#include <cstring>
#include <random>

using namespace qtest;

namespace {

// Runs n random operations on queue and model; pushes happen with probability push_percent.
void
random_ops(Queue& queue,
           std::deque<std::string>& model,
           std::uint64_t& counter,
           int n,
           unsigned push_percent,
           std::mt19937& rng)
{
  for (int i = 0; i < n; ++i) {
    unsigned dice = rng() % 100;
    if (dice < push_percent) {
      std::string v = numbered(counter++, rng() % 4 == 0 ? 300 : 40);
      REQUIRE(queue.push(v).status == PushStatus::ok);
      model.push_back(v);
    } else if (dice < push_percent + (100 - push_percent) / 2) {
      std::string out;
      auto got = queue.pop(out);
      REQUIRE(got.ok());
      REQUIRE(*got == !model.empty());
      if (*got) {
        REQUIRE(out == model.front());
        model.pop_front();
      }
    } else {
      std::string batch;
      auto n_got = queue.pop_batch(batch, rng() % 200, 1 + rng() % 8);
      REQUIRE(n_got.ok());
      std::size_t pos = 0;
      for (std::size_t k = 0; k < *n_got; ++k) {
        std::uint64_t size;
        std::memcpy(&size, batch.data() + pos, 8);
        REQUIRE(batch.substr(pos + 8, size) == model.front());
        model.pop_front();
        pos += 8 + size;
      }
      REQUIRE(pos == batch.size());
    }
    REQUIRE(queue.records() == model.size());
  }
}

std::uint64_t
model_bytes(const std::deque<std::string>& model)
{
  std::uint64_t n = 0;
  for (const auto& v : model)
    n += v.size();
  return n;
}

// Bytes the file really occupies on disk.
std::uint64_t
allocated(const std::string& path)
{
  struct stat st {
  };
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<std::uint64_t>(st.st_blocks) * 512;
}

} // namespace

TEST_CASE("queue: FIFO through ring, overflow and back against a model", "[queue_storage]")
{
  TempDir dir;
  auto store = open_store(small_options(dir.path()), 256);
  Queue& queue = **store->get_or_create("ch");
  std::deque<std::string> model;
  std::uint64_t counter = 0;
  std::mt19937 rng(42);
  bool overflowed = false;
  for (int phase = 0; phase < 60; ++phase) {
    unsigned push_percent = phase % 3 == 0 ? 80 : phase % 3 == 1 ? 50 : 20;
    random_ops(queue, model, counter, 4000, push_percent, rng);
    overflowed = overflowed || queue.overflow_records() > 0;
    REQUIRE(queue.bytes() == model_bytes(model));
    REQUIRE(queue.memory_bytes() <= queue.capacity());
  }
  CHECK(overflowed);
  CHECK(counter > 100000);
  REQUIRE(drain(queue) == model);
  CHECK(store->overflow_used() <= 4096 + 64); // drained: the file is back to its header
}

TEST_CASE("queue: the disk budget makes pushes full, a drain gives it back", "[queue_storage]")
{
  TempDir dir;
  StoreOptions o = small_options(dir.path());
  o.overflow_limit = 64 + 10 * (8 + 100); // header and ten records
  auto store = open_store(o, 2 * (8 + 100));
  Queue& queue = **store->get_or_create("ch");
  std::string v(100, 'v');
  int pushed = 0;
  while (queue.push(v).status == PushStatus::ok)
    ++pushed;
  CHECK(pushed == 2 + 10); // two in the ring, ten in the overflow
  CHECK(queue.push(v).status == PushStatus::full);
  CHECK(queue.percent_memory() == 100);
  CHECK(queue.overflow_records() == 10);
  CHECK(store->overflow_used() == o.overflow_limit);
  std::string out;
  REQUIRE(*queue.pop(out));
  CHECK(queue.push(v).status == PushStatus::full); // the popped record's disk is still held
  CHECK(drain(queue).size() == 11);
  CHECK(store->overflow_used() == 64); // reset to its header
  CHECK(queue.push(v).status == PushStatus::ok);
}

TEST_CASE("queue: popped overflow records give their disk back by hole punching", "[queue_storage]")
{
  TempDir dir;
  StoreOptions o = small_options(dir.path());
  o.io_chunk = 64 << 10;
  o.reclaim_chunk = 256 << 10;
  auto store = open_store(o, 1024);
  Queue& queue = **store->get_or_create("ch");
  std::string v(1000, 'p');
  for (int i = 0; i < 4000; ++i) // about 4 MB of overflow
    REQUIRE(queue.push(v).status == PushStatus::ok);
  std::string path = queue.overflow()->path();
  REQUIRE(queue.overflow()->flush().ok());
  std::uint64_t full = allocated(path);
  CHECK(full >= 3900000);
  for (int i = 0; i < 3000; ++i)
    REQUIRE(*queue.pop(v));
  std::uint64_t after = allocated(path);
  CHECK(after < full - 2500000);
  CHECK(store->overflow_used() < 1200000);
  CHECK(drain(queue).size() == 1000);
  CHECK(allocated(path) <= 4096);
}

TEST_CASE("queue: records larger than the ring go through the overflow", "[queue_storage]")
{
  TempDir dir;
  auto store = open_store(small_options(dir.path()), 64);
  Queue& queue = **store->get_or_create("ch");
  std::deque<std::string> model{"a", std::string(500, 'B'), "c", std::string(60, 'D'), "e"};
  for (const auto& v : model)
    REQUIRE(queue.push(v).status == PushStatus::ok);
  CHECK(drain(queue) == model);
}

TEST_CASE("queue: save and load in the middle keeps the order", "[queue_storage]")
{
  TempDir dir;
  std::deque<std::string> model;
  std::uint64_t counter = 0;
  std::mt19937 rng(9);
  for (int restart = 0; restart < 12; ++restart) {
    auto store = open_store(small_options(dir.path()), 300);
    Queue* queue = store->find("sub@ch");
    REQUIRE((queue != nullptr) == !model.empty());
    if (!queue)
      queue = *store->get_or_create("sub@ch");
    CHECK(store->load_report().warnings.empty());
    random_ops(*queue, model, counter, 1500, restart % 2 ? 70 : 45, rng);
    REQUIRE(store->save().ok());
    store->wait_background();
    if (model.empty())
      CHECK(dir.names().empty());
  }
  auto store = open_store(small_options(dir.path()), 300);
  REQUIRE(drain(**store->get_or_create("sub@ch")) == model);
}

TEST_CASE("queue: file names of subscribers and the load of each", "[queue_storage]")
{
  TempDir dir;
  {
    auto store = open_store(small_options(dir.path()), 64);
    for (const char* name : {"ch1", "sub1@ch1", "sub2@ch1", "other"})
      REQUIRE((*store->get_or_create(name))->push(std::string(name) + "!").status ==
              PushStatus::ok);
    for (int i = 0; i < 8; ++i) // sub2@ch1 spills into its overflow file
      REQUIRE((*store->get_or_create("sub2@ch1"))->push(std::string(20, 'o')).status ==
              PushStatus::ok);
    CHECK_FALSE(store->get_or_create("bad name").ok());
    CHECK_FALSE(store->get_or_create("a@b@c").ok());
    CHECK_FALSE(store->get_or_create("sub@").ok());
    REQUIRE(store->get_or_create("empty").ok());
    REQUIRE(store->save().ok());
  }
  auto names = dir.names();
  CHECK(names.count("ch1.rq"));
  CHECK(names.count("sub1@ch1.rq"));
  CHECK(names.count("sub2@ch1.rq"));
  CHECK(names.count("other.rq"));
  CHECK_FALSE(names.count("empty.rq"));
  CHECK(names.size() == 5); // and one overflow file
  // The later DMQ's name for the default subscriber loads as the channel.
  std::filesystem::rename(dir.file("ch1.rq"), dir.file("@ch1.rq"));
  auto store = open_store(small_options(dir.path()), 64);
  std::vector<std::string> loaded;
  for (Queue* q : store->queues())
    loaded.push_back(q->full_name());
  CHECK(loaded == std::vector<std::string>{"ch1", "other", "sub1@ch1", "sub2@ch1"});
  CHECK(store->find("ch1")->name() == QueueName{"ch1", ""});
  CHECK(store->find("@ch1") == store->find("ch1"));
  CHECK(*store->get_or_create("@ch1") == store->find("ch1"));
  CHECK(store->find("sub2@ch1")->name() == QueueName{"ch1", "sub2"});
  CHECK(store->find("sub2@ch1")->records() == 9);
  CHECK(drain(*store->find("ch1")) == std::deque<std::string>{"ch1!"});
}

TEST_CASE("queue: a crash in non-durable mode brings back the overflow, never a torn record",
          "[queue_storage]")
{
  TempDir dir;
  QuietLog quiet;
  std::vector<std::string> pushed;
  std::string overflow_path;
  {
    auto store = open_store(small_options(dir.path()), 128);
    Queue& queue = **store->get_or_create("ch");
    for (std::uint64_t i = 0; i < 300; ++i)
      REQUIRE(queue.push(pushed.emplace_back(numbered(i))).status == PushStatus::ok);
    for (int i = 0; i < 100; ++i)
      REQUIRE(*queue.pop(pushed[0]));
    REQUIRE(queue.overflow()->flush().ok());
    overflow_path = queue.overflow()->path();
  } // no save: as after kill -9 (the page cache keeps what was written)
  // A torn append at the end of the file.
  std::string bytes = slurp(overflow_path);
  spit(overflow_path, bytes + std::string("\x20\x00\x00\x00garbage", 11));
  auto store = open_store(small_options(dir.path()), 128);
  REQUIRE(store->load_report().warnings.size() == 1);
  CHECK_THAT(store->load_report().warnings[0], Catch::Contains("offset"));
  auto back = drain(*store->find("ch"));
  REQUIRE_FALSE(back.empty());
  // A contiguous run of what was pushed, ending with the last push.
  auto first = std::find(pushed.begin(), pushed.end(), back.front());
  REQUIRE(first != pushed.end());
  CHECK(std::equal(back.begin(), back.end(), first, pushed.end()));
}

TEST_CASE("queue: a damaged overflow file saved cleanly is an error unless salvaged",
          "[queue_storage]")
{
  TempDir dir;
  std::string path;
  {
    auto store = open_store(small_options(dir.path()), 64);
    Queue& queue = **store->get_or_create("ch");
    for (std::uint64_t i = 0; i < 50; ++i)
      REQUIRE(queue.push(numbered(i)).status == PushStatus::ok);
    path = queue.overflow()->path();
    REQUIRE(store->save().ok());
  }
  std::string bytes = slurp(path);
  bytes[bytes.size() / 2] ^= 0x40;
  QuietLog quiet;
  spit(path, bytes);
  auto failed = Store::open(small_options(dir.path()), [](const QueueName&) { return 64; });
  REQUIRE_FALSE(failed.ok());
  CHECK_THAT(failed.error().message, Catch::Contains(path) && Catch::Contains("offset"));
  StoreOptions o = small_options(dir.path());
  o.salvage = true;
  auto store = open_store(o, 64);
  CHECK(store->find("ch")->records() < 50);
  CHECK(store->load_report().warnings.size() == 1);
}

TEST_CASE("queue: clear and remove delete the files", "[queue_storage]")
{
  TempDir dir;
  auto store = open_store(small_options(dir.path()), 64);
  Queue& queue = **store->get_or_create("ch");
  for (std::uint64_t i = 0; i < 30; ++i)
    REQUIRE(queue.push(numbered(i)).status == PushStatus::ok);
  REQUIRE(queue.overflow_records() > 0);
  REQUIRE(queue.clear().ok());
  CHECK(queue.records() == 0);
  CHECK(queue.push("after").status == PushStatus::ok);
  CHECK(drain(queue) == std::deque<std::string>{"after"});
  for (std::uint64_t i = 0; i < 30; ++i)
    REQUIRE(queue.push(numbered(i)).status == PushStatus::ok);
  REQUIRE(store->save().ok());
  store->wait_background();
  CHECK(dir.names().size() == 2);
  REQUIRE(store->remove("ch").ok());
  CHECK(store->find("ch") == nullptr);
  store->wait_background();
  CHECK(dir.names().empty());
  CHECK(store->overflow_used() == 0);
}

TEST_CASE("queue: the saved files stay until the first change, then a crash cannot bring "
          "back popped records",
          "[queue_storage]")
{
  TempDir dir;
  QuietLog quiet;
  {
    auto store = open_store(small_options(dir.path()), 200);
    Queue& queue = **store->get_or_create("ch");
    for (std::uint64_t i = 0; i < 40; ++i) // about 5 in the ring, the rest in the overflow
      REQUIRE(queue.push(numbered(i, 10)).status == PushStatus::ok);
    REQUIRE(store->save().ok());
  }
  std::string rq = slurp(dir.file("ch.rq"));
  {
    auto store = open_store(small_options(dir.path()), 200);
    REQUIRE(store->save().ok()); // nothing changed: nothing written, nothing deleted
    store->wait_background();
    CHECK(slurp(dir.file("ch.rq")) == rq);
  }
  {
    auto store = open_store(small_options(dir.path()), 200);
    std::string out;
    REQUIRE(*store->find("ch")->pop(out));
    CHECK(out == numbered(0, 10));
    store->wait_background();
    CHECK_FALSE(dir.names().count("ch.rq")); // the first change made it stale
  }                                          // no save: a crash
  auto store = open_store(small_options(dir.path()), 200);
  auto back = drain(*store->find("ch"));
  REQUIRE_FALSE(back.empty());
  CHECK(back.back() == numbered(39, 10)); // the overflow survives (non-durable: from its start)
  for (std::uint64_t i = 0; i < 3; ++i)   // the ring's records died with the process
    CHECK(std::find(back.begin(), back.end(), numbered(i, 10)) == back.end());
}
