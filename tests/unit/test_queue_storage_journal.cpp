// Unit tests for the queue node's durable mode: journal replay after a crash at every byte of
// a journal, checkpoints and generations, the sync thread's notifications, and a full disk.
#include "data_dir.hpp"
#include "journal_format.hpp"
#include "queue_storage_helpers.hpp"

#include "core/hex.hpp"
#include "store/atomic_file.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

using namespace qtest;
namespace fs = std::filesystem;

namespace {

using State = std::map<std::string, std::deque<std::string>>;

// Every queue's records (drains the store).
State
dump(Store& store)
{
  State out;
  for (Queue* queue : store.queues())
    out[queue->full_name()] = drain(*queue);
  return out;
}

// A directory on tmpfs when there is one: the every-offset test opens hundreds of stores and
// their fsyncs cost nothing there.
std::string
fast_base()
{
  return fs::exists("/dev/shm") ? "/dev/shm" : "/tmp";
}

// Applies one change to the store and to the model, and remembers the model's state.
struct Recorder {
  Store& store;
  State model;
  std::vector<State> states; // after each journal entry

  void define(const std::string& name)
  {
    REQUIRE(store.get_or_create(name).ok());
    model[name];
    states.push_back(model);
  }
  void push(const std::string& name, const std::string& value)
  {
    REQUIRE(store.find(name)->push(value).status == PushStatus::ok);
    model[name].push_back(value);
    states.push_back(model);
  }
  void pop(const std::string& name)
  {
    std::string out;
    REQUIRE(*store.find(name)->pop(out));
    REQUIRE(out == model[name].front());
    model[name].pop_front();
    states.push_back(model);
  }
  void clear(const std::string& name)
  {
    REQUIRE(store.find(name)->clear().ok());
    model[name].clear();
    states.push_back(model);
  }
  void remove(const std::string& name)
  {
    REQUIRE(store.remove(name).ok());
    model.erase(name);
    states.push_back(model);
  }
};

// Installs a write hook for one scope that fails with ENOSPC while `failing` is set.
class FullDisk
{
public:
  FullDisk()
  {
    shoal::store::set_write_hook([this](int fd, const void* data, std::size_t size) -> ssize_t {
      if (failing.load()) {
        errno = ENOSPC;
        return -1;
      }
      return ::write(fd, data, size);
    });
  }
  ~FullDisk() { shoal::store::set_write_hook({}); }
  FullDisk(const FullDisk&) = delete;
  FullDisk& operator=(const FullDisk&) = delete;

  std::atomic<bool> failing{false};
};

// Waits (at most 5 s) until the store's synced sequence number reaches seq.
bool
wait_for(Store& store, std::uint64_t seq)
{
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  store.publish_journal(); // what the server's loop does once an iteration
  while (store.synced_seq() < seq) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

} // namespace

TEST_CASE("journal: reopening after a stop replays the journal into a checkpoint",
          "[queue_storage]")
{
  TempDir dir;
  QuietLog quiet;
  State model;
  {
    auto store = open_store(small_options(dir.path(), true), 100);
    store->wait_background();
    CHECK(dir.names() == std::set<std::string>{"journal.0000000000000001"});
    Queue& queue = **store->get_or_create("ch");
    for (std::uint64_t i = 0; i < 40; ++i)
      REQUIRE(queue.push(model["ch"].emplace_back(numbered(i))).status == PushStatus::ok);
    std::string out;
    for (int i = 0; i < 5; ++i) {
      REQUIRE(*queue.pop(out));
      model["ch"].pop_front();
    }
    store->wait_synced();
    CHECK(store->synced_seq() == store->appended_seq());
    CHECK(store->appended_seq() == 1 + 40 + 5);
  } // no checkpoint: the journal holds everything
  auto store = open_store(small_options(dir.path(), true), 100);
  CHECK(store->load_report().replayed == 46);
  store->wait_background();
  auto names = dir.names();
  CHECK(names.count("checkpoint.0000000000000002"));
  CHECK(names.count("journal.0000000000000002"));
  CHECK_FALSE(names.count("journal.0000000000000001"));
  CHECK(store->appended_seq() == 46);
  CHECK(dump(*store) == model);
}

TEST_CASE("journal: a crash at every byte of the journal recovers a prefix", "[queue_storage]")
{
  TempDir dir(fast_base());
  QuietLog quiet;
  std::vector<State> states;
  std::string journal;
  {
    auto store = open_store(small_options(dir.path(), true), 64);
    Recorder r{*store, {}, {}};
    r.define("a");
    r.define("s@a");
    for (std::uint64_t i = 0; i < 8; ++i) // "a" spills into its overflow file
      r.push("a", numbered(i, 12));
    r.push("s@a", "x");
    r.pop("a");
    REQUIRE(store->checkpoint().ok()); // names a's overflow file and its length
    r.states.assign(1, r.model);
    for (std::uint64_t i = 8; i < 14; ++i) // appended to the overflow after the checkpoint
      r.push("a", numbered(i, 12));
    for (int i = 0; i < 6; ++i) // some from the ring, then refilled from the overflow
      r.pop("a");
    r.define("b");
    for (std::uint64_t i = 0; i < 8; ++i) // a new overflow file, unknown to the checkpoint
      r.push("b", numbered(i, 12));
    r.clear("s@a");
    r.push("s@a", "y");
    r.remove("s@a");
    r.pop("b");
    store->wait_synced();
    states = r.states;
    journal = journal_path(dir.path(), 2);
  }
  std::vector<std::uint64_t> ends{0}; // entry n ends at ends[n + 1]
  {
    auto reader = JournalReader::open(journal);
    REQUIRE(reader.ok());
    JournalEntry entry;
    while (*reader->next(entry))
      ends.push_back(reader->valid_end());
    REQUIRE(ends.size() == states.size());
  }
  std::uint64_t size = fs::file_size(journal);
  CHECK(size > 400);
  CHECK(states.size() == 26);
  TempDir work(fast_base());
  for (std::uint64_t cut = 0; cut <= size; ++cut) {
    fs::remove_all(work.path());
    fs::copy(dir.path(), work.path());
    fs::resize_file(work.path() + "/" + fs::path(journal).filename().string(), cut);
    auto store = open_store(small_options(work.path(), true), 64);
    std::size_t complete = 0;
    while (complete + 1 < ends.size() && ends[complete + 1] <= cut)
      ++complete;
    INFO("journal cut at " << cut << " bytes, " << complete << " entries complete");
    REQUIRE(dump(*store) == states[complete]);
  }
}

TEST_CASE("journal: checkpoints start a new generation and delete the old one", "[queue_storage]")
{
  TempDir dir;
  StoreOptions o = small_options(dir.path(), true);
  o.checkpoint_bytes = 4096;
  auto store = open_store(o, 64);
  Queue& queue = **store->get_or_create("ch");
  std::string out;
  int checkpoints = 0;
  for (std::uint64_t i = 0; i < 400; ++i) {
    REQUIRE(queue.push(numbered(i)).status == PushStatus::ok);
    REQUIRE(*queue.pop(out));
    if (store->checkpoint_due()) {
      REQUIRE(store->checkpoint().ok());
      ++checkpoints;
      CHECK_FALSE(store->checkpoint_due());
    }
  }
  CHECK(checkpoints >= 3);
  std::string gen = shoal::core::key_to_hex(static_cast<std::uint64_t>(checkpoints + 1));
  store->wait_background();
  CHECK(dir.names() == std::set<std::string>{"checkpoint." + gen, "journal." + gen});
  CHECK(fs::file_size(dir.file("checkpoint." + gen)) < 100); // drained: a small checkpoint
}

TEST_CASE("journal: the sync thread reports durable sequence numbers", "[queue_storage]")
{
  TempDir dir;
  std::atomic<int> wakeups{0};
  StoreOptions o = small_options(dir.path(), true);
  o.journal.interval = std::chrono::milliseconds(2);
  o.journal.wakeup = [&] { ++wakeups; };
  auto store = open_store(o, 1 << 20);
  Queue& queue = **store->get_or_create("ch");
  std::uint64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    PushResult r = queue.push(std::string(100, 'x'));
    REQUIRE(r.status == PushStatus::ok);
    REQUIRE(r.seq == last + 1 + (i == 0 ? 1 : 0)); // the define took the first number
    last = r.seq;
  }
  REQUIRE(wait_for(*store, last));
  // The sync thread publishes the durable number, then calls the wakeup: give it the moment.
  for (int i = 0; i < 500 && wakeups.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(wakeups.load() >= 1);
  CHECK(wakeups.load() < 200); // grouped
  CHECK(store->journal_backlog() == 0);
}

TEST_CASE("journal: a failed write is reported and a checkpoint recovers", "[queue_storage]")
{
  TempDir dir;
  QuietLog quiet;
  FullDisk disk; // before the sync thread starts: the hook is not thread-safe to change
  std::atomic<int> wakeups{0};
  StoreOptions o = small_options(dir.path(), true);
  o.journal.wakeup = [&] { ++wakeups; };
  std::uint64_t seq_b = 0;
  {
    auto store = open_store(o, 4096);
    Queue& queue = **store->get_or_create("ch");
    std::uint64_t seq_a = queue.push("A").seq;
    REQUIRE(wait_for(*store, seq_a));
    disk.failing = true;
    seq_b = queue.push("B").seq;
    store->publish_journal(); // what the server's loop does once an iteration
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!store->journal_failed() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    REQUIRE(store->journal_failed());
    CHECK_THAT(store->journal_error().message, Catch::Contains("No space left"));
    CHECK(store->synced_seq() < seq_b);
    CHECK(queue.push("C").status == PushStatus::failed);
    CHECK(store->checkpoint_due());
    CHECK_FALSE(store->checkpoint().ok()); // still full
    CHECK(store->journal_failed());
    disk.failing = false;
    REQUIRE(store->checkpoint().ok());
    CHECK_FALSE(store->journal_failed());
    CHECK(store->synced_seq() >= seq_b); // B is in the checkpoint
    PushResult d = queue.push("D");
    REQUIRE(d.status == PushStatus::ok);
    REQUIRE(wait_for(*store, d.seq));
  }
  auto store = open_store(o, 4096);
  CHECK(dump(*store) == State{{"ch", {"A", "B", "D"}}});
}

TEST_CASE("journal: non-durable and durable modes load each other's files", "[queue_storage]")
{
  TempDir dir;
  {
    auto store = open_store(small_options(dir.path(), false), 64);
    for (std::uint64_t i = 0; i < 20; ++i)
      REQUIRE((*store->get_or_create("ch"))->push(numbered(i)).status == PushStatus::ok);
    REQUIRE(store->save().ok());
  }
  {
    auto store = open_store(small_options(dir.path(), true), 64);
    CHECK(store->find("ch")->records() == 20);
    std::string out;
    REQUIRE(*store->find("ch")->pop(out));
    CHECK(out == numbered(0));
    store->wait_background();
    CHECK_FALSE(dir.names().count("ch.rq")); // now in the checkpoint
  }                                          // crash-like stop: checkpoint + journal
  {
    auto store = open_store(small_options(dir.path(), false), 64);
    CHECK(store->find("ch")->records() == 19);
    REQUIRE(store->save().ok());
  }
  for (const auto& name : dir.names())
    CHECK((name == "ch.rq" || name.ends_with(".ovf")));
  auto store = open_store(small_options(dir.path(), false), 64);
  auto back = drain(*store->find("ch"));
  REQUIRE(back.size() == 19);
  CHECK(back.front() == numbered(1));
}
