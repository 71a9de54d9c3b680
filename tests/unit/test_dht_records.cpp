// Unit tests for the text forms of the dht CLI: KEY operands and record lines.
#include "records.hpp"

#include <catch2/catch.hpp>

using namespace shoal;

TEST_CASE("dht::parse_key_operand takes 16 hex digits of either case, or hashes", "[dht]")
{
  CHECK(*dht::parse_key_operand("0123456789abcdef", false) == 0x0123456789abcdefULL);
  CHECK(*dht::parse_key_operand("0123456789ABCDEF", false) == 0x0123456789abcdefULL);
  auto bad = dht::parse_key_operand("123", false);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == core::Errc::usage);
  CHECK_FALSE(dht::parse_key_operand("0x23456789abcdef", false).ok());
  CHECK_FALSE(dht::parse_key_operand("0123456789abcdeg", false).ok());
  CHECK(*dht::parse_key_operand("hello", true) == 0xa430d84680aabd0bULL);
  CHECK(*dht::parse_key_operand("0123456789abcdef", true) != 0x0123456789abcdefULL);
}

TEST_CASE("dht record lines round-trip any bytes", "[dht]")
{
  std::string value("a\tb\nc\\d\0e\x7f\xc3\xa9", 12);
  std::string line;
  dht::append_record(line, 0xff, value);
  CHECK(line == "00000000000000ff\ta\\tb\\nc\\\\d\\x00e\\x7f\xc3\xa9\n");
  std::uint64_t key = 0;
  std::string back;
  REQUIRE(
      dht::parse_record_line(std::string_view(line).substr(0, line.size() - 1), false, key, back)
          .ok());
  CHECK(key == 0xff);
  CHECK(back == value);

  std::string keys;
  dht::append_key(keys, 1);
  dht::append_removal(keys, 2);
  CHECK(keys == "0000000000000001\n-0000000000000002\n");
}

TEST_CASE("dht::parse_record_line rejects malformed lines", "[dht]")
{
  std::uint64_t key = 0;
  std::string value;
  auto fails = [&](std::string_view line) {
    auto s = dht::parse_record_line(line, false, key, value);
    return !s.ok() && s.error().code == core::Errc::bad_data;
  };
  CHECK(fails("no tab here"));
  CHECK(fails("00000000000000ff"));
  CHECK(fails("00000000000000f\tshort key"));
  CHECK(fails("00000000000000ff\t"));           // empty value
  CHECK(fails("00000000000000ff\tbad \\q"));    // unknown escape
  CHECK(fails("00000000000000ff\ttrailing\\")); // cut escape
  REQUIRE(dht::parse_record_line("00000000000000FF\tx\ty", false, key, value).ok());
  CHECK(value == "x\ty"); // only the first tab separates
  REQUIRE(dht::parse_record_line("caf\\xc3\\xa9\tv", true, key, value).ok());
  CHECK(key == 0x48e8823acfa40d89ULL);
  CHECK(dht::check_channel("a-b_C9").ok());
  CHECK_FALSE(dht::check_channel("a b").ok());
  CHECK_FALSE(dht::check_channel("").ok());
}
