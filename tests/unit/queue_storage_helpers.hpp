// Helpers shared by the queue storage tests: temporary directories, a store opener with small
// sizes that reach the edge cases, and a model FIFO to compare a queue with.
#pragma once

#include "store.hpp"
#include "temp_dir.hpp"

#include "core/log.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace qtest {

using namespace shoal::queuenode;
using testutil::TempDir;

// Keeps warnings out of the test output for one scope (the tests check the load reports).
class QuietLog
{
public:
  QuietLog() { shoal::core::set_log_level(shoal::core::LogLevel::error); }
  ~QuietLog() { shoal::core::set_log_level(shoal::core::LogLevel::info); }
  QuietLog(const QuietLog&) = delete;
  QuietLog& operator=(const QuietLog&) = delete;
};

// The whole content of a file.
inline std::string
slurp(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Replaces a file's content.
inline void
spit(const std::string& path, const std::string& bytes)
{
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Options with small buffers so that tests reach the chunk and reclaim edges.
inline StoreOptions
small_options(const std::string& dir, bool durable = false)
{
  StoreOptions o;
  o.dir = dir;
  o.overflow_limit = 64ULL << 20;
  o.io_chunk = 64;
  o.reclaim_chunk = 4096;
  o.durable = durable;
  o.journal.interval = std::chrono::microseconds(200);
  return o;
}

// Opens a store whose every queue has a ring of capacity bytes.
inline std::unique_ptr<Store>
open_store(StoreOptions options, std::uint64_t capacity = 256)
{
  auto store = Store::open(std::move(options), [capacity](const QueueName&) { return capacity; });
  if (!store)
    FAIL(store.error().message);
  return std::move(*store);
}

// Pops everything from queue.
inline std::deque<std::string>
drain(Queue& queue)
{
  std::deque<std::string> out;
  std::string value;
  for (;;) {
    auto got = queue.pop(value);
    REQUIRE(got.ok());
    if (!*got)
      return out;
    out.push_back(value);
  }
}

// A value that tells its number and has a length that varies with it.
inline std::string
numbered(std::uint64_t n, std::size_t max_extra = 40)
{
  std::string v(1, 'r'); // not "r" + ...: gcc 12 warns falsely (-Wrestrict) on that
  v += std::to_string(n);
  v += ':';
  v.append(n * 7919 % (max_extra + 1), static_cast<char>('a' + n % 26));
  return v;
}

} // namespace qtest
