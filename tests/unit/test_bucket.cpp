// Unit tests for the log bucket files (common/store/bucket_*): paths, the three record formats
// byte for byte, damage of every kind, and the reader over plain and gzip files.
#include "temp_dir.hpp"

#include "core/bytes.hpp"
#include "store/bucket_format.hpp"
#include "store/bucket_layout.hpp"
#include "store/bucket_reader.hpp"

#include <catch2/catch.hpp>

#include <zlib.h>

#include <fstream>
#include <vector>

using namespace shoal;
using namespace shoal::store;

namespace {

using testutil::TempDir;

void
write_file(const std::string& path, const std::string& bytes)
{
  std::ofstream(path, std::ios::binary) << bytes;
}

void
write_gz(const std::string& path, const std::string& bytes)
{
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  gzclose(gz);
}

// A v1 record as the DLS node wrote it: key, len, parity byte, value.
std::string
v1_record(std::uint64_t key, std::string_view value)
{
  std::string out;
  core::append_le<std::uint64_t>(out, key);
  core::append_le<std::uint64_t>(out, value.size());
  std::uint64_t p = key ^ value.size();
  p ^= p >> 32;
  p ^= p >> 16;
  p ^= p >> 8;
  out.push_back(static_cast<char>(p & 0xff));
  out += value;
  return out;
}

std::string
legacy_record(std::uint64_t key, std::string_view value)
{
  std::string out;
  core::append_le<std::uint64_t>(out, key);
  core::append_le<std::uint64_t>(out, value.size());
  out += value;
  return out;
}

std::string
v1_header()
{
  std::string out;
  core::append_le<std::uint64_t>(out, 1);
  out += "DLSBUCKT";
  return out;
}

struct Read {
  std::vector<std::pair<std::uint64_t, std::string>> records;
  std::vector<std::pair<std::uint64_t, RecordStatus>> damage; // offset, what
  std::uint64_t end = 0;
};

// Reads every record of path, skipping damage when skip is set, stopping at it otherwise.
Read
read_all(const std::string& path, BucketReadOptions opts = {}, bool skip = true)
{
  auto reader = BucketReader::open(path, opts);
  REQUIRE(reader.ok());
  Read out;
  for (;;) {
    auto item = reader->next();
    REQUIRE(item.ok());
    if (item->kind == BucketReader::Item::Kind::end)
      break;
    if (item->kind == BucketReader::Item::Kind::damaged) {
      out.damage.emplace_back(item->offset, item->status);
      if (!skip)
        break;
      auto went_on = reader->skip_damage();
      REQUIRE(went_on.ok());
      if (!*went_on)
        break;
      continue;
    }
    out.records.emplace_back(item->key, std::string(item->value));
  }
  out.end = reader->offset();
  return out;
}

} // namespace

TEST_CASE("bucket paths follow the original layout", "[bucket]")
{
  CHECK(bucket_relative_path(0x12345678abcdef00) == "12345678ab/cde");
  CHECK(bucket_relative_path(0x570e13eb) == "0000000057/0e1");
  CHECK(slot_name(0x570e13eb) == "0000000057");
  CHECK(bucket_name(0x570e13eb) == "0e1");
  CHECK(bucket_start(0x570e13eb) == 0x570e1000);
  CHECK(parse_bucket_name("0000000057", "0e1") == 0x570e1000u);
  CHECK(parse_bucket_name("12345678AB", "CDE") == 0x12345678abcde000u);
  CHECK_FALSE(parse_bucket_name("0000000057", "0e1.gz"));
  CHECK_FALSE(parse_bucket_name("000000057", "0e1"));
  CHECK_FALSE(parse_bucket_name("000000005g", "0e1"));
  CHECK(parse_slot_name("ffffffffff") == 0xffffffffff000000u);
}

TEST_CASE("v2 records are v1's header, a crc32c and the value", "[bucket]")
{
  std::string header;
  append_bucket_header(header);
  CHECK(header == std::string("\x02\0\0\0\0\0\0\0DLSBUCKT", 16));
  std::string rec;
  append_record(0x570e13eb, "hello", rec);
  REQUIRE(rec.size() == record_size(5));
  std::string v1 = v1_record(0x570e13eb, "hello");
  CHECK(rec.substr(0, 17) == v1.substr(0, 17)); // the same header, parity included
  CHECK(rec.substr(21) == "hello");

  RecordParse r = parse_record(BucketFormat::v2, rec, 0x570e1000, 1 << 20);
  CHECK(r.status == RecordStatus::ok);
  CHECK(r.key == 0x570e13eb);
  CHECK(r.value == "hello");
  CHECK(r.size == rec.size());
}

TEST_CASE("parse_record finds every kind of damage", "[bucket]")
{
  std::string rec;
  append_record(0x1005, "some value", rec);
  SECTION("a flipped bit anywhere")
  {
    for (std::size_t byte = 0; byte < rec.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string bad = rec;
        bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
        RecordParse r = parse_record(BucketFormat::v2, bad, 0x1000, 1 << 20);
        INFO("byte " << byte << " bit " << bit);
        CHECK(r.status != RecordStatus::ok);
      }
    }
  }
  SECTION("every truncation")
  {
    for (std::size_t n = 0; n < rec.size(); ++n)
      CHECK(parse_record(BucketFormat::v2, std::string_view(rec).substr(0, n), 0x1000, 1 << 20)
                .status == RecordStatus::truncated);
  }
  SECTION("a key of another bucket")
  {
    RecordParse r = parse_record(BucketFormat::v2, rec, 0x2000, 1 << 20);
    CHECK(r.status == RecordStatus::out_of_range);
    CHECK(r.size == rec.size());
    CHECK(parse_record(BucketFormat::v2, rec, any_key, 1 << 20).status == RecordStatus::ok);
  }
  SECTION("a length over the bound")
  {
    CHECK(parse_record(BucketFormat::v2, rec, 0x1000, 9).status == RecordStatus::too_big);
  }
  SECTION("v1: parity only guards the header")
  {
    std::string v1 = v1_record(0x1005, "value");
    CHECK(parse_record(BucketFormat::v1, v1, 0x1000, 1 << 20).status == RecordStatus::ok);
    std::string bad = v1;
    bad[3] ^= 0x10;
    CHECK(parse_record(BucketFormat::v1, bad, 0x1000, 1 << 20).status == RecordStatus::bad_header);
    bad = v1;
    bad[18] ^= 0x10; // in the value: v1 cannot tell
    CHECK(parse_record(BucketFormat::v1, bad, 0x1000, 1 << 20).status == RecordStatus::ok);
  }
  SECTION("legacy: only the range and the length")
  {
    std::string legacy = legacy_record(0x1fff, "v");
    CHECK(parse_record(BucketFormat::legacy, legacy, 0x1000, 1 << 20).status == RecordStatus::ok);
    CHECK(parse_record(BucketFormat::legacy, legacy, 0x2000, 1 << 20).status ==
          RecordStatus::out_of_range);
  }
}

TEST_CASE("check_bucket_header tells the formats apart", "[bucket]")
{
  std::string v2;
  append_bucket_header(v2);
  CHECK(check_bucket_header(v2, false).format == BucketFormat::v2);
  CHECK(check_bucket_header(v1_header(), false).format == BucketFormat::v1);
  CHECK(check_bucket_header(legacy_record(1, "x").substr(0, 16), false).format ==
        BucketFormat::legacy);
  std::string v9 = v2;
  v9[0] = 9;
  CHECK(check_bucket_header(v9, false).kind == HeaderCheck::Kind::unsupported);
  CHECK(check_bucket_header(v2.substr(0, 7), true).kind == HeaderCheck::Kind::torn);
  CHECK(check_bucket_header("", true).kind == HeaderCheck::Kind::ok); // an empty legacy file
  CHECK(check_bucket_header("\x05\x06", true).format == BucketFormat::legacy);
}

TEST_CASE("BucketReader reads every format, plain and gzip", "[bucket]")
{
  TempDir dir;
  std::string v2;
  append_bucket_header(v2);
  append_record(0x1001, "one", v2);
  append_record(0x1001, "two", v2); // several records per key
  append_record(0x1fff, std::string(3000, 'x'), v2);
  std::string v1 = v1_header() + v1_record(0x1001, "one") + v1_record(0x1002, "two");
  std::string legacy = legacy_record(0x1001, "one") + legacy_record(0x1002, "two");

  BucketReadOptions opts;
  opts.first_key = 0x1000;
  opts.buffer_size = 64 << 10;
  for (auto [name, bytes, format] :
       {std::tuple{"v2", v2, BucketFormat::v2}, std::tuple{"v1", v1, BucketFormat::v1},
        std::tuple{"legacy", legacy, BucketFormat::legacy}}) {
    INFO(name);
    write_file(dir.file(name), bytes);
    write_gz(dir.file(std::string(name) + ".gz"), bytes);
    for (std::string path : {dir.file(name), dir.file(std::string(name) + ".gz")}) {
      auto reader = BucketReader::open(path, opts);
      REQUIRE(reader.ok());
      CHECK(reader->format() == format);
      Read got = read_all(path, opts);
      CHECK(got.damage.empty());
      REQUIRE(got.records.size() >= 2);
      CHECK(got.records[0] == std::pair<std::uint64_t, std::string>{0x1001, "one"});
      CHECK(got.records[1].second == "two");
      CHECK(got.end == bytes.size());
    }
  }
}

TEST_CASE("BucketReader reports damage and goes past it", "[bucket]")
{
  TempDir dir;
  std::string file;
  append_bucket_header(file);
  std::vector<std::size_t> starts;
  for (int i = 0; i < 100; ++i) {
    starts.push_back(file.size());
    append_record(0x1000 + static_cast<std::uint64_t>(i), "value " + std::to_string(i), file);
  }
  BucketReadOptions opts;
  opts.first_key = 0x1000;
  std::string path = dir.file("b");

  SECTION("a flipped bit in a value: that record is skipped, the rest kept")
  {
    std::string bad = file;
    bad[starts[40] + 25] ^= 1;
    write_file(path, bad);
    Read got = read_all(path, opts);
    REQUIRE(got.damage.size() == 1);
    CHECK(got.damage[0] == std::pair{std::uint64_t{starts[40]}, RecordStatus::bad_checksum});
    CHECK(got.records.size() == 99);
    Read stop = read_all(path, opts, false);
    CHECK(stop.records.size() == 40);
    CHECK(stop.end == starts[40]); // the valid prefix
  }
  SECTION("a flipped bit in a header: the reader finds the next record")
  {
    std::string bad = file;
    bad[starts[10] + 9] ^= 4; // the length
    write_file(path, bad);
    Read got = read_all(path, opts);
    REQUIRE(got.damage.size() == 1);
    CHECK(got.damage[0].second == RecordStatus::bad_header);
    CHECK(got.records.size() == 99);
    CHECK(got.records[10].first == 0x100b);
  }
  SECTION("garbage in the middle")
  {
    std::string bad =
        file.substr(0, starts[50]) + std::string(777, '\x5a') + file.substr(starts[50]);
    write_file(path, bad);
    Read got = read_all(path, opts);
    CHECK(got.damage.size() == 1);
    CHECK(got.records.size() == 100);
  }
  SECTION("a torn tail")
  {
    write_file(path, file.substr(0, starts[99] + 7));
    Read got = read_all(path, opts);
    REQUIRE(got.damage.size() == 1);
    CHECK(got.damage[0] == std::pair{std::uint64_t{starts[99]}, RecordStatus::truncated});
    CHECK(got.records.size() == 99);
  }
  SECTION("start and limit")
  {
    write_file(path, file);
    opts.start = starts[90];
    opts.limit = starts[95];
    Read got = read_all(path, opts);
    CHECK(got.damage.empty());
    REQUIRE(got.records.size() == 5);
    CHECK(got.records[0].first == 0x1000 + 90);
    opts.limit = starts[95] + 3; // inside a record: read as a torn tail
    got = read_all(path, opts, false);
    CHECK(got.records.size() == 5);
    CHECK(got.damage.size() == 1);
  }
  SECTION("legacy: an out-of-range key is skipped, then the original re-synchronises")
  {
    std::string legacy =
        legacy_record(0x1001, "a") + legacy_record(0x9999, "b") + legacy_record(0x1002, "c");
    write_file(path, legacy);
    Read got = read_all(path, opts);
    CHECK(got.damage.size() == 1);
    CHECK(got.records.size() == 2);
  }
}

TEST_CASE("BucketReader: torn and unsupported headers", "[bucket]")
{
  TempDir dir;
  std::string header;
  append_bucket_header(header);
  write_file(dir.file("torn"), header.substr(0, 5));
  auto torn = BucketReader::open(dir.file("torn"), {});
  REQUIRE(torn.ok());
  CHECK(torn->torn());
  CHECK(torn->next()->kind == BucketReader::Item::Kind::end);

  std::string v7 = header;
  v7[0] = 7;
  write_file(dir.file("v7"), v7);
  auto refused = BucketReader::open(dir.file("v7"), {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == core::Errc::bad_data);
  CHECK_FALSE(BucketReader::open(dir.file("missing"), {}).ok());
}
