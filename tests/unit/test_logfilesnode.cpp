// Unit tests for the log node's storage: the checkpoint format (ours and the original's),
// sizeinfo, the writer thread (groups, sizes, a clean stop) and recovery after a crash.
#include "checkpoint.hpp"
#include "recovery.hpp"
#include "size_info.hpp"
#include "temp_dir.hpp"
#include "writer.hpp"

#include "store/bucket_format.hpp"
#include "store/bucket_layout.hpp"
#include "store/bucket_reader.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

using namespace shoal;
using namespace shoal::logfilesnode;

namespace {

using testutil::TempDir;

// The records of one bucket file, read with the checked reader; stops at damage.
std::vector<std::pair<std::uint64_t, std::string>>
records_of(const std::string& path)
{
  auto reader = store::BucketReader::open(path, {});
  REQUIRE(reader.ok());
  std::vector<std::pair<std::uint64_t, std::string>> out;
  for (;;) {
    auto item = reader->next();
    REQUIRE(item.ok());
    if (item->kind != store::BucketReader::Item::Kind::record)
      return out;
    out.emplace_back(item->key, std::string(item->value));
  }
}

// The bucket file of key in the tests' channel "ch".
std::string
ch_bucket(const TempDir& dir, std::uint64_t key)
{
  return dir.file("ch/" + store::bucket_relative_path(key));
}

// Waits (bounded) until the writer has finished operation seq; returns every result so far.
std::vector<GroupResult>
wait_done(Writer& w, std::uint64_t seq)
{
  std::vector<GroupResult> results;
  for (int i = 0; i < 5000 && w.done() < seq; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(w.done() >= seq);
  w.take_results(results);
  return results;
}

} // namespace

TEST_CASE("the checkpoint file round-trips and reads the original's", "[logfilesnode]")
{
  Checkpoint cp;
  cp.has_sizes = true;
  cp.channels = {{"clicks", 10, 1000}, {"views", 0, 0}};
  cp.buckets = {{"clicks", 0x570e1000, 16}, {"clicks", 0xffffffffff000000, 123456}};
  std::string text = encode_checkpoint(cp);
  CHECK(text.find("bucket clicks 00000000570e1000 16\n") != std::string::npos);
  auto back = parse_checkpoint(text, "cp");
  REQUIRE(back.ok());
  CHECK(*back == cp);

  auto original = parse_checkpoint("clicks 1460539392 4096\nviews 0 16\n", "cp");
  REQUIRE(original.ok());
  CHECK_FALSE(original->has_sizes);
  REQUIRE(original->buckets.size() == 2);
  CHECK(original->buckets[0].channel == "clicks");
  CHECK(original->buckets[0].start == 1460539392);
  CHECK(original->buckets[0].offset == 4096);

  for (const char* bad :
       {"shoal-logfilesnode checkpoint 1\nbucket x 12\n",
        "shoal-logfilesnode checkpoint 1\nwhat x 1 2\n",
        "shoal-logfilesnode checkpoint 1\nchannel bad/name 1 2\n", "clicks 12 x\n"}) {
    auto parsed = parse_checkpoint(bad, "cp");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find("cp: line") == 0);
  }
}

TEST_CASE("sizeinfo is two little-endian u64", "[logfilesnode]")
{
  TempDir dir;
  CHECK_FALSE(read_size_info(dir.path()));
  REQUIRE(write_size_info(dir.path(), {3, 300}).ok());
  CHECK(read_size_info(dir.path()) == ChannelSize{3, 300});
  CHECK(std::filesystem::file_size(dir.file("sizeinfo")) == 16);
}

TEST_CASE("the writer appends in groups and stops cleanly", "[logfilesnode]")
{
  TempDir dir;
  WriterOptions opts;
  opts.data_dir = dir.path();
  opts.sync = GENERATE(false, true);
  opts.max_open_files = 2; // three buckets: one is closed and reopened
  Writer w(opts, {});
  w.define_channel(1, "ch");
  std::vector<std::uint64_t> keys = {0x1000, 0x2000, 0x1001, 0x3000, 0x2fff, 0x1000};
  std::uint64_t last = 0;
  for (std::size_t i = 0; i < keys.size(); ++i)
    last = w.append(1, keys[i], "value " + std::to_string(i));
  w.publish();
  auto results = wait_done(w, last);
  for (const auto& r : results)
    CHECK(r.failed.empty());
  CHECK(w.size_of(1) == ChannelSize{6, 6 * 7});
  CHECK(std::filesystem::exists(dir.file("checkpoint.dat")));
  REQUIRE(w.stop().ok());
  CHECK_FALSE(std::filesystem::exists(dir.file("checkpoint.dat")));
  CHECK(read_size_info(dir.file("ch")) == ChannelSize{6, 42});
  auto first = records_of(ch_bucket(dir, 0x1000));
  CHECK(first == std::vector<std::pair<std::uint64_t, std::string>>{
                     {0x1000, "value 0"}, {0x1001, "value 2"}, {0x1000, "value 5"}});
  CHECK(records_of(ch_bucket(dir, 0x2000)).size() == 2);
}

TEST_CASE("a batch is one operation whose records go to their buckets", "[logfilesnode]")
{
  TempDir dir;
  WriterOptions opts;
  opts.data_dir = dir.path();
  Writer w(opts, {});
  w.define_channel(1, "ch");
  // Runs of one bucket, then another, then the first again: each run goes to its own file.
  std::vector<std::uint64_t> keys = {0x1000, 0x1fff, 0x2000, 0x2001, 0x1001, 0x1001};
  std::string encoded;
  for (std::size_t i = 0; i < keys.size(); ++i)
    store::append_record(keys[i], std::string(i + 1, static_cast<char>('a' + i)), encoded);
  std::uint64_t one = w.append(1, 0x1000, "before");
  std::uint64_t seq = w.append_encoded(1, encoded);
  CHECK(seq == one + 1);
  w.publish();
  for (const auto& r : wait_done(w, seq))
    CHECK(r.failed.empty());
  CHECK(w.size_of(1) == ChannelSize{7, 6 + 21});
  using Records = std::vector<std::pair<std::uint64_t, std::string>>;
  CHECK(records_of(ch_bucket(dir, 0x1000)) == Records{{0x1000, "before"},
                                                      {0x1000, "a"},
                                                      {0x1fff, "bb"},
                                                      {0x1001, "eeeee"},
                                                      {0x1001, "ffffff"}});
  CHECK(records_of(ch_bucket(dir, 0x2000)) == Records{{0x2000, "ccc"}, {0x2001, "dddd"}});
  REQUIRE(w.stop().ok());
}

TEST_CASE("without sync a group is reported in parts", "[logfilesnode]")
{
  TempDir dir;
  WriterOptions opts;
  opts.data_dir = dir.path();
  opts.part_bytes = 100; // a few records a part
  Writer w(opts, {});
  w.define_channel(1, "ch");
  std::uint64_t last = 0;
  for (int i = 0; i < 20; ++i)
    last = w.append(1, 0x1000, std::string(40, 'x'));
  w.publish(); // one group of 21 operations
  auto results = wait_done(w, last);
  CHECK(results.size() > 3); // parts, in order, the last one ending the group
  for (std::size_t i = 1; i < results.size(); ++i)
    CHECK(results[i - 1].last_seq < results[i].last_seq);
  CHECK(results.back().last_seq == last);
  CHECK(w.size_of(1) == ChannelSize{20, 800});
  CHECK(records_of(ch_bucket(dir, 0x1000)).size() == 20);
  REQUIRE(w.stop().ok());
}

TEST_CASE("the writer reports the records a failing disk refused", "[logfilesnode]")
{
  TempDir dir;
  WriterOptions opts;
  opts.data_dir = dir.path();
  Writer w(opts, {});
  w.define_channel(1, "ok");
  w.define_channel(2, "blocked");
  // A plain file where the channel's directory should be: its buckets cannot be created.
  std::ofstream(dir.file("blocked")) << "in the way";
  std::uint64_t good = w.append(1, 5, "fine");
  std::uint64_t bad = w.append(2, 5, "refused");
  w.publish();
  auto results = wait_done(w, bad);
  std::vector<std::uint64_t> failed;
  for (const auto& r : results)
    failed.insert(failed.end(), r.failed.begin(), r.failed.end());
  CHECK(failed == std::vector<std::uint64_t>{bad});
  CHECK(good < bad);
  CHECK(w.size_of(1).records == 1);
  CHECK(w.size_of(2).records == 0);
  (void)w.stop();
}

TEST_CASE("recovery counts from the checkpoint and cuts at the first damage", "[logfilesnode]")
{
  TempDir dir;
  {
    WriterOptions opts;
    opts.data_dir = dir.path();
    Writer w(opts, {});
    w.define_channel(1, "ch");
    std::uint64_t last = 0;
    for (int i = 0; i < 10; ++i)
      last = w.append(1, 0x1000 + static_cast<std::uint64_t>(i), "record " + std::to_string(i));
    w.publish();
    wait_done(w, last);
    // A crash: the checkpoint stays (it listed the bucket at 16 bytes, before any record).
    std::filesystem::copy_file(dir.file("checkpoint.dat"), dir.file("saved"));
    REQUIRE(w.stop().ok());
    std::filesystem::rename(dir.file("saved"), dir.file("checkpoint.dat"));
  }
  std::string bucket = ch_bucket(dir, 0x1000);
  auto size = std::filesystem::file_size(bucket);
  { // damage the 8th record's value, then garbage after the end
    std::fstream f(bucket, std::ios::in | std::ios::out | std::ios::binary);
    std::uint64_t at = 16 + 7 * (21 + 8) + 21 + 3;
    f.seekp(static_cast<std::streamoff>(at));
    f.put('#');
    f.seekp(0, std::ios::end);
    f << std::string(100, '\0');
  }
  auto report = recover(dir.path(), 1 << 20);
  REQUIRE(report.ok());
  CHECK(report->crashed);
  CHECK(report->records_recovered == 7);
  REQUIRE(report->channels.size() == 1);
  CHECK(report->channels[0].size.records == 7);
  CHECK(std::filesystem::file_size(bucket) == 16 + 7 * (21 + 8));
  CHECK(report->bytes_cut == size + 100 - (16 + 7 * (21 + 8)));
  CHECK(records_of(bucket).size() == 7);
}
