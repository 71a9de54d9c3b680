// Unit tests for the logfiles CLI's own modules: timestamps, record lines and SortedMerge.
#include "log_records.hpp"
#include "sorted_merge.hpp"
#include "timestamps.hpp"

#include <catch2/catch.hpp>

using namespace shoal;
using namespace shoal::logfiles;

namespace {
std::string
shown(std::uint64_t key, KeyFormat format)
{
  std::string out;
  append_timestamp(out, key, format);
  return out;
}
} // namespace

TEST_CASE("logfiles timestamps: decimal, hex and ISO-8601", "[logfiles]")
{
  CHECK(*parse_timestamp("0") == 0);
  CHECK(*parse_timestamp("18446744073709551615") == ~0ull);
  CHECK_FALSE(parse_timestamp("18446744073709551616").ok());
  CHECK(*parse_timestamp("0x10") == 16);
  CHECK(*parse_timestamp("0XFFFFFFFFFFFFFFFF") == ~0ull);
  CHECK_FALSE(parse_timestamp("0x").ok());
  CHECK_FALSE(parse_timestamp("ff").ok());
  CHECK_FALSE(parse_timestamp("").ok());
  CHECK_FALSE(parse_timestamp("12 ").ok());
  CHECK(*parse_timestamp("1970-01-01") == 0);
  CHECK(*parse_timestamp("2026-11-22T14:00:00Z") == 1795356000);
  CHECK(*parse_timestamp("2026-11-22 14:00:00") == 1795356000);
  CHECK(*parse_timestamp("2026-11-22T14:00Z") == 1795356000);
  CHECK(*parse_timestamp("2026-11-22T15:30:00+01:30") == 1795356000);
  CHECK(*parse_timestamp("2026-11-22T12:00:00-02:00") == 1795356000);
  CHECK(*parse_timestamp("2024-02-29") == 1709164800);
  CHECK_FALSE(parse_timestamp("2026-02-29").ok());
  CHECK_FALSE(parse_timestamp("2026-13-01").ok());
  CHECK_FALSE(parse_timestamp("1969-12-31").ok());
  CHECK_FALSE(parse_timestamp("2026-11-22T24:00:00Z").ok());
  CHECK_FALSE(parse_timestamp("2026-11-22T14:00:00ZZ").ok());
  CHECK(parse_timestamp("nope").error().code == core::Errc::bad_data);

  CHECK(shown(1795356000, KeyFormat::dec) == "1795356000");
  CHECK(shown(16, KeyFormat::hex) == "0x0000000000000010");
  CHECK(shown(1795356000, KeyFormat::iso) == "2026-11-22T14:00:00Z");
  CHECK(shown(max_iso_key, KeyFormat::iso) == "9999-12-31T23:59:59Z");
  CHECK(shown(max_iso_key + 1, KeyFormat::iso) == "253402300800"); // no ISO form: decimal
  for (std::uint64_t key :
       {std::uint64_t{0}, std::uint64_t{951782400}, std::uint64_t{4102444799}, max_iso_key})
    for (KeyFormat f : {KeyFormat::dec, KeyFormat::hex, KeyFormat::iso})
      CHECK(*parse_timestamp(shown(key, f)) == key);
}

TEST_CASE("logfiles time operands: now, offsets and whole days", "[logfiles]")
{
  const std::uint64_t now = 1795356000;
  CHECK(*parse_time_operand("now", false, now) == now);
  CHECK(*parse_time_operand("-90s", false, now) == now - 90);
  CHECK(*parse_time_operand("-15m", false, now) == now - 900);
  CHECK(*parse_time_operand("-1h", false, now) == now - 3600);
  CHECK(*parse_time_operand("-2d", false, now) == now - 172800);
  CHECK(*parse_time_operand("2026-11-22", false, now) == 1795305600);
  CHECK(*parse_time_operand("2026-11-22", true, now) == 1795391999);
  CHECK(*parse_time_operand("2026-11-22T00:00:00Z", true, now) == 1795305600);
  CHECK(parse_time_operand("-1y", false, now).error().code == core::Errc::usage);
  CHECK_FALSE(parse_time_operand("-99999999999d", false, now).ok());
}

TEST_CASE("logfiles record lines round-trip any bytes", "[logfiles]")
{
  std::string raw("a\tb\nc\\d\0e\xff", 11);
  std::string line;
  append_record(line, 42, raw, KeyFormat::dec);
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  std::uint64_t key = 0;
  std::string value;
  REQUIRE(parse_record_line(std::string_view(line).substr(0, line.size() - 1), key, value).ok());
  CHECK(key == 42);
  CHECK(value == raw);
  CHECK(parse_record_line("42", key, value).error().message == "expected TIMESTAMP<TAB>VALUE");
  CHECK_FALSE(parse_record_line("42\t", key, value).ok());
  CHECK_FALSE(parse_record_line("42\t\\q", key, value).ok());
  CHECK(parse_record_line("2026-11-22\tv\tw", key, value).ok());
  CHECK(value == "v\tw"); // a raw tab in the value is kept
}

TEST_CASE("logfiles SortedMerge sorts interleaved bucket-ordered streams", "[logfiles]")
{
  std::vector<std::pair<std::uint64_t, std::string>> out;
  SortedMerge merge(2, [&](std::uint64_t k, std::string_view v) { out.emplace_back(k, v); });
  merge.add(0, 5, "a"); // bucket 0
  merge.add(1, 3, "b"); // bucket 0
  merge.add(0, 2, "c"); // bucket 0, out of key order inside its bucket
  CHECK(out.empty());
  merge.add(0, 4096, "d"); // node 0 is past bucket 0; node 1 is not
  CHECK(out.empty());
  merge.add(1, 8192, "e"); // both are past bucket 0: it is emitted, sorted
  REQUIRE(out.size() == 3);
  CHECK(out[0].first == 2);
  CHECK(out[2].first == 5);
  merge.add(0, 4096, "f"); // a duplicate key keeps its append order
  merge.end(0);
  CHECK(out.size() == 5);
  CHECK(out[3].second == "d");
  CHECK(out[4].second == "f");
  merge.end(1);
  REQUIRE(out.size() == 6);
  CHECK(out[5].second == "e");
  CHECK_FALSE(merge.disordered());
}
