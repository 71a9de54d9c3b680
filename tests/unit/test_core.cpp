// Unit tests for common/core: hex keys, bit reversal, escaping, Result.
#include "core/hex.hpp"
#include "core/result.hpp"
#include "core/stats.hpp"

#include <catch2/catch.hpp>

using namespace shoal::core;

TEST_CASE("core::parse_key accepts exactly 16 lowercase hex digits", "[core]")
{
  CHECK(parse_key("0123456789abcdef") == 0x0123456789abcdefULL);
  CHECK(parse_key("ffffffffffffffff") == ~0ULL);
  CHECK_FALSE(parse_key("0123456789ABCDEF"));
  CHECK_FALSE(parse_key("0123456789abcde"));
  CHECK_FALSE(parse_key("0123456789abcdef0"));
  CHECK_FALSE(parse_key("0123456789abcdeg"));
  // Every byte value in every position against the one-character rule.
  for (std::size_t pos = 0; pos < 16; ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string text = "fedcba9876543210";
      text[pos] = static_cast<char>(c);
      bool digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      auto parsed = parse_key(text);
      INFO("position " << pos << " byte " << c);
      REQUIRE(parsed.has_value() == digit);
      if (digit) {
        std::uint64_t nibble = c <= '9' ? c - '0' : c - 'a' + 10;
        std::uint64_t shift = 4 * (15 - pos);
        CHECK(*parsed == ((0xfedcba9876543210ULL & ~(0xfULL << shift)) | nibble << shift));
      }
    }
  }
  CHECK(key_to_hex(0xabcULL) == "0000000000000abc");
  std::uint64_t key = 0x9e3779b97f4a7c15ULL; // and back from text, for keys all over the range
  for (int i = 0; i < 10000; ++i, key = key * 6364136223846793005ULL + 1442695040888963407ULL)
    REQUIRE(parse_key(key_to_hex(key)) == key);
}

TEST_CASE("core::parse_hex_loose takes operator input", "[core]")
{
  CHECK(parse_hex_loose("0xFF") == 0xffULL);
  CHECK(parse_hex_loose("ffffffffffffffff") == ~0ULL);
  CHECK_FALSE(parse_hex_loose(""));
  CHECK_FALSE(parse_hex_loose("0x"));
  CHECK_FALSE(parse_hex_loose("1ffffffffffffffff"));
}

TEST_CASE("core::bit_reverse mirrors the 64 bits", "[core]")
{
  CHECK(bit_reverse(1) == 0x8000000000000000ULL);
  CHECK(bit_reverse(0x8000000000000000ULL) == 1);
  CHECK(bit_reverse(0x00000000000000f0ULL) == 0x0f00000000000000ULL);
  for (std::uint64_t v : {0ULL, 0x123456789abcdefULL, ~0ULL, 0xdeadbeefULL})
    CHECK(bit_reverse(bit_reverse(v)) == v);
}

TEST_CASE("core::escape round-trips every byte", "[core]")
{
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  std::string escaped = escape(all);
  CHECK(escaped.find('\t') == std::string::npos);
  CHECK(escaped.find('\n') == std::string::npos);
  CHECK(unescape(escaped) == all);
  CHECK_FALSE(unescape("abc\\"));
  CHECK_FALSE(unescape("\\x4"));
  CHECK_FALSE(unescape("\\q"));
  CHECK(unescape("a\\x41\\tb") == std::string("aA\tb"));
}

TEST_CASE("core::Result carries a value or an error", "[core]")
{
  Result<int> good = 5;
  REQUIRE(good.ok());
  CHECK(*good == 5);
  Result<int> bad = make_error(Errc::bad_data, "broken");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "broken");
  auto fails = []() -> Status {
    SHOAL_TRY(Status(make_error(Errc::io, "disk")));
    return {};
  };
  CHECK(fails().error().code == Errc::io);
  CHECK(exit_code(Errc::usage) == 64);
  CHECK(exit_code(Errc::config) == 78);
}

TEST_CASE("core::StatsList formats key:value pairs", "[core]")
{
  StatsList s;
  s.add("records", 3);
  s.add("channel/a/bytes", std::uint64_t{10});
  CHECK(s.line() == "records:3 channel/a/bytes:10");
  CHECK(s.lines() == "records:3\nchannel/a/bytes:10\n");
}
