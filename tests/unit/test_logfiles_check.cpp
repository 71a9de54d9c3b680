// Unit tests for logfiles-check's modules: the walk over channel directories, the check of one
// file in every format, the repair and its crash safety step by step, the JSON escaping and the
// exit status.
#include "check_file.hpp"
#include "checker.hpp"
#include "progress.hpp"
#include "repair.hpp"
#include "report.hpp"
#include "temp_dir.hpp"
#include "walk.hpp"

#include "core/bytes.hpp"
#include "store/bucket_format.hpp"
#include "store/bucket_reader.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

using namespace shoal;
using namespace shoal::logfiles_check;
using store::BucketFormat;

namespace {

using testutil::TempDir;
namespace fs = std::filesystem;

constexpr std::uint64_t first = 0x570e1000; // the bucket 0000000057/0e1

void
write_file(const std::string& path, const std::string& bytes)
{
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string
read_bytes(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A bucket of n records (key first+i, value of i bytes) in format, and each record's offset.
std::string
bucket(BucketFormat format, int n, std::vector<std::size_t>* offsets = nullptr)
{
  std::string out;
  store::append_bucket_header_as(format, out);
  for (int i = 0; i < n; ++i) {
    if (offsets)
      offsets->push_back(out.size());
    store::append_record_as(
        format, first + static_cast<std::uint64_t>(i),
        std::string(static_cast<std::size_t>(i), 'a' + static_cast<char>(i % 26)), out);
  }
  return out;
}

BucketFile
bucket_file(const std::string& path)
{
  return BucketFile{path, first, fs::file_size(path), path.ends_with(".gz")};
}

// The (key, value) records of a file read back with the reader, stopping at damage.
std::vector<std::pair<std::uint64_t, std::string>>
records_of(const std::string& path)
{
  store::BucketReadOptions opts;
  opts.first_key = first;
  auto reader = store::BucketReader::open(path, opts);
  REQUIRE(reader);
  std::vector<std::pair<std::uint64_t, std::string>> out;
  for (;;) {
    auto item = reader->next();
    REQUIRE(item);
    REQUIRE(item->kind != store::BucketReader::Item::Kind::damaged);
    if (item->kind == store::BucketReader::Item::Kind::end)
      return out;
    out.emplace_back(item->key, std::string(item->value));
  }
}

FileCheck
checked(const std::string& path)
{
  auto check = check_file(bucket_file(path));
  REQUIRE(check);
  return *check;
}

} // namespace

TEST_CASE("walk: slots and buckets in key order, strays counted, leftovers ignored",
          "[logfiles_check]")
{
  TempDir dir;
  std::string ch = dir.file("ch");
  std::string v2 = bucket(BucketFormat::v2, 1);
  write_file(ch + "/00000000a0/001", v2);
  write_file(ch + "/0000000057/0e2", v2);
  write_file(ch + "/0000000057/0E1", v2); // upper case is still hex
  write_file(ch + "/0000000057/0e0.gz", v2);
  write_file(ch + "/0000000057/0e3.repairing", v2);
  write_file(ch + "/0000000057/0e3.broken.1", v2);
  write_file(ch + "/0000000057/zzz", v2);
  write_file(ch + "/0000000057/0e45", v2);
  write_file(ch + "/not-a-slot/001", v2);
  write_file(ch + "/sizeinfo", std::string(16, '\0'));
  fs::create_directories(ch + "/0000000057/0e9"); // a directory named like a bucket

  auto channel = walk_channel(ch, {});
  REQUIRE(channel);
  std::vector<std::string> names;
  for (const auto& f : channel->files)
    names.push_back(f.path.substr(ch.size() + 1));
  CHECK(names == std::vector<std::string>{"0000000057/0E1", "0000000057/0e2", "00000000a0/001"});
  CHECK(channel->files[0].first_key == first);
  CHECK(channel->files[2].first_key == 0xa0001000);
  CHECK(channel->gz_skipped == 1);
  CHECK(channel->gz_skipped_bytes == v2.size());
  CHECK(channel->strays == 4); // zzz, 0e45, not-a-slot, the 0e9 directory
  CHECK(channel->warnings.size() == 4);

  SECTION("--gz takes compressed buckets in key order")
  {
    auto with_gz = walk_channel(ch, {false, true});
    REQUIRE(with_gz);
    REQUIRE(with_gz->files.size() == 4);
    CHECK(with_gz->files[0].compressed);
    CHECK(with_gz->gz_skipped == 0);
  }
  SECTION("--all: every directory of the data directory is a channel")
  {
    write_file(dir.file("other/0000000001/000"), v2);
    write_file(dir.file("checkpoint.dat"), "x");
    auto channels = find_buckets({dir.path()}, {true, false});
    REQUIRE(channels);
    REQUIRE(channels->size() == 2);
    CHECK((*channels)[0].path == ch);
    CHECK((*channels)[1].files.size() == 1);
  }
  SECTION("a single bucket file: its names give the key range")
  {
    auto channels = find_buckets({ch + "/0000000057/0e2"}, {});
    REQUIRE(channels);
    REQUIRE(channels->size() == 1);
    CHECK((*channels)[0].path == ch);
    REQUIRE((*channels)[0].files.size() == 1);
    CHECK((*channels)[0].files[0].first_key == 0x570e2000);
  }
  SECTION("missing paths and files with other names are errors")
  {
    auto missing = find_buckets({dir.file("nope")}, {});
    REQUIRE(!missing);
    CHECK(missing.error().code == core::Errc::not_found);
    auto stray = find_buckets({ch + "/0000000057/zzz"}, {});
    REQUIRE(!stray);
    CHECK(stray.error().code == core::Errc::usage);
  }
}

TEST_CASE("check_file: every format, clean and damaged", "[logfiles_check]")
{
  TempDir dir;
  std::string path = dir.file("0000000057/0e1");
  for (auto format : {BucketFormat::legacy, BucketFormat::v1, BucketFormat::v2}) {
    CAPTURE(store::format_name(format));
    std::vector<std::size_t> at;
    std::string bytes = bucket(format, 50, &at);
    write_file(path, bytes);
    FileCheck clean = checked(path);
    CHECK(clean.verdict == FileCheck::Verdict::clean);
    CHECK(clean.format == format);
    CHECK(clean.records == 50);
    CHECK(clean.value_bytes == 49 * 50 / 2);
    CHECK(describe_damage(clean) == "clean");

    SECTION("a key outside the bucket is skipped and counted")
    {
      std::string bad = bytes;
      bad[at[10] + 3] ^= 0x10; // key + 2^28: another bucket
      if (format != BucketFormat::legacy)
        bad[at[10] + 16] ^= 0x10; // keep the parity right
      write_file(path, bad);
      FileCheck c = checked(path);
      CHECK(c.verdict == FileCheck::Verdict::damaged);
      CHECK(c.records == 49);
      CHECK(c.damage_count == 1);
      CHECK(c.first_damage.offset == at[10]);
      CHECK(c.first_damage.kind == "key outside the bucket");
      CHECK(describe_damage(c) == fmt::format("key outside the bucket at {}", at[10]));
    }
    SECTION("a torn tail")
    {
      write_file(path, bytes.substr(0, bytes.size() - 5));
      FileCheck c = checked(path);
      CHECK(c.verdict == FileCheck::Verdict::damaged);
      CHECK(c.records == 49);
      CHECK(c.first_damage.offset == at[49]);
      CHECK(c.first_damage.kind == "truncated record");
    }
  }
}

TEST_CASE("check_file: torn headers, unsupported versions, gzip", "[logfiles_check]")
{
  TempDir dir;
  std::string path = dir.file("0000000057/0e1");
  std::string header;
  store::append_bucket_header(header);
  write_file(path, header.substr(0, 5));
  FileCheck torn = checked(path);
  CHECK(torn.verdict == FileCheck::Verdict::damaged);
  CHECK(torn.torn);
  CHECK(describe_damage(torn) == "torn header (5 bytes)");

  std::string v7;
  core::append_le<std::uint64_t>(v7, 7);
  v7 += "DLSBUCKT";
  write_file(path, v7 + "whatever");
  FileCheck unsupported = checked(path);
  CHECK(unsupported.verdict == FileCheck::Verdict::unsupported);
  CHECK(unsupported.unsupported_why == "bucket format version 7");

  std::string bytes = bucket(BucketFormat::v2, 20);
  std::string gz = path + ".gz";
  gzFile f = gzopen(gz.c_str(), "wb");
  REQUIRE(f);
  REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) > 0);
  gzclose(f);
  FileCheck compressed = checked(gz);
  CHECK(compressed.verdict == FileCheck::Verdict::clean);
  CHECK(compressed.records == 20);

  std::string damaged_gz = read_bytes(gz);
  damaged_gz[damaged_gz.size() / 2] ^= 0xff; // deflate data or its crc: gzread fails
  write_file(gz, damaged_gz);
  FileCheck bad = checked(gz);
  CHECK(bad.verdict == FileCheck::Verdict::damaged);
  CHECK(repair_refusal(bucket_file(gz), bad) != "");
}

TEST_CASE("check_file: a file gone since the walk is not_found, not an I/O error",
          "[logfiles_check]")
{
  TempDir dir;
  auto check = check_file(BucketFile{dir.file("0000000057/0e1"), first, 0, false});
  REQUIRE(!check);
  CHECK(check.error().code == core::Errc::not_found);
}

TEST_CASE("repair keeps every valid record in the file's own format", "[logfiles_check]")
{
  TempDir dir;
  std::string path = dir.file("0000000057/0e1");
  for (auto format : {BucketFormat::legacy, BucketFormat::v1, BucketFormat::v2}) {
    CAPTURE(store::format_name(format));
    std::vector<std::size_t> at;
    std::string bytes = bucket(format, 30, &at);
    std::string bad = bytes;
    bad[at[7] + 3] ^= 0x10; // record 7 out of range
    if (format != BucketFormat::legacy)
      bad[at[7] + 16] ^= 0x10;
    bad.resize(bad.size() - 2); // record 29 torn
    write_file(path, bad);
    FileCheck c = checked(path);
    REQUIRE(c.verdict == FileCheck::Verdict::damaged);
    CHECK(c.damage_count == 2);

    auto done = repair_file(bucket_file(path), c);
    REQUIRE(done);
    CHECK(done->records == 28);
    CHECK(done->broken_path == path + ".broken");
    CHECK(read_bytes(path + ".broken") == bad);
    CHECK(!fs::exists(path + ".repairing"));
    // The kept records are the original bytes: the file minus record 7 and the torn tail.
    std::string expected = bytes.substr(0, at[7]) + bytes.substr(at[8], at[29] - at[8]);
    CHECK(read_bytes(path) == expected);
    CHECK(done->bytes == expected.size());
    CHECK(repaired_size(c) == expected.size());
    FileCheck again = checked(path);
    CHECK(again.verdict == FileCheck::Verdict::clean);
    CHECK(again.format == format);
    CHECK(again.records == 28);
    fs::remove(path + ".broken");
  }
}

TEST_CASE("repair never replaces an earlier .broken", "[logfiles_check]")
{
  TempDir dir;
  std::string path = dir.file("0000000057/0e1");
  write_file(path + ".broken", "first");
  write_file(path + ".broken.1", "second");
  std::string bad = bucket(BucketFormat::v2, 3) + "junk";
  write_file(path, bad);
  auto done = repair_file(bucket_file(path), checked(path));
  REQUIRE(done);
  CHECK(done->broken_path == path + ".broken.2");
  CHECK(read_bytes(path + ".broken") == "first");
  CHECK(read_bytes(path + ".broken.1") == "second");
  CHECK(read_bytes(path + ".broken.2") == bad);
}

TEST_CASE("a repair cut short after any step leaves a readable file under the name",
          "[logfiles_check]")
{
  TempDir dir;
  std::string path = dir.file("ch/0000000057/0e1");
  std::vector<std::size_t> at;
  std::string bytes = bucket(BucketFormat::v2, 10, &at);
  std::string bad = bytes;
  bad[at[4] + 22] ^= 1; // a value byte of record 4: bad checksum
  write_file(path, bad);
  BucketFile file = bucket_file(path);
  FileCheck c = checked(path);
  REQUIRE(c.damage_count == 1);

  // Crash after step 1: the original is untouched, the walk ignores the leftover.
  auto written = write_repairing(file, c);
  REQUIRE(written);
  CHECK(read_bytes(path) == bad);
  CHECK(read_bytes(path + ".repairing").size() == bytes.size() - (at[5] - at[4]));
  auto channel = walk_channel(dir.file("ch"), {});
  REQUIRE(channel);
  CHECK(channel->files.size() == 1);
  CHECK(channel->strays == 0);

  // A new run writes the leftover again from scratch.
  auto rewritten = write_repairing(file, c);
  REQUIRE(rewritten);
  CHECK(rewritten->bytes == written->bytes);

  // Crash after step 2: the original is still under its name, and also as .broken.
  auto broken = keep_original(path);
  REQUIRE(broken);
  CHECK(read_bytes(path) == bad);
  CHECK(read_bytes(*broken) == bad);

  // Step 3 puts the repaired file in place; the .broken keeps the original bytes.
  REQUIRE(install_repaired(path));
  CHECK(records_of(path).size() == 9);
  CHECK(read_bytes(*broken) == bad);
  CHECK(!fs::exists(path + ".repairing"));
}

TEST_CASE("a torn empty bucket is repaired to a bare v2 header", "[logfiles_check]")
{
  TempDir dir;
  std::string path = dir.file("0000000057/0e1");
  write_file(path, std::string("\x02\0\0", 3));
  FileCheck c = checked(path);
  REQUIRE(c.torn);
  auto done = repair_file(bucket_file(path), c);
  REQUIRE(done);
  std::string header;
  store::append_bucket_header(header);
  CHECK(read_bytes(path) == header);
  CHECK(checked(path).verdict == FileCheck::Verdict::clean);
}

TEST_CASE("json_string escapes quotes, controls and bytes that are not UTF-8", "[logfiles_check]")
{
  CHECK(json_string("ch/0000000057/0e1") == "\"ch/0000000057/0e1\"");
  CHECK(json_string("a\"b\\c\nd\te\x01") == "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  CHECK(json_string("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
  CHECK(json_string("bad\xff\xc3") == "\"bad\\ufffd\\ufffd\"");
}

TEST_CASE("exit status: I/O errors, then damage left, then repairs", "[logfiles_check]")
{
  Totals t;
  t.files = 10;
  CHECK(exit_status(t) == 0);
  t.damaged = 2;
  CHECK(exit_status(t) == 1);
  t.repaired = 2;
  CHECK(exit_status(t) == 2);
  t.unsupported = 1;
  CHECK(exit_status(t) == 1);
  t.errors = 1;
  CHECK(exit_status(t) == 74);
  CHECK(percent(1, 12) == "8.3");
  CHECK(percent(0, 0) == "0.0");
}

TEST_CASE("progress line figures", "[logfiles_check]")
{
  CHECK(human_bytes(512) == "512 B");
  CHECK(human_bytes(1536) == "1.5 KiB");
  CHECK(Progress::line(12, 340, 3 << 20, 10 << 20, 2.0) ==
        "12/340 files, 3.0 MiB/10.0 MiB, 1.5 MiB/s");
}
