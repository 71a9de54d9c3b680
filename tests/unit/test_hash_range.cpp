// Unit tests for proto::HashRange: the bit-reversed inclusive range test and coverage checks.
#include "proto/hash_range.hpp"

#include <catch2/catch.hpp>

using namespace shoal;
using proto::HashRange;

TEST_CASE("proto::HashRange tests the bit-reversed key, inclusive", "[range]")
{
  HashRange low{0, 0x7fffffffffffffffULL};
  HashRange high{0x8000000000000000ULL, ~0ULL};
  // Key 1 reversed is 0x8000..., so it belongs to the upper half of the positions.
  CHECK(high.responsible_for(1));
  CHECK_FALSE(low.responsible_for(1));
  // Key 2 reversed is 0x4000...: lower half.
  CHECK(low.responsible_for(2));
  // Sequential keys alternate between halves (the point of the bit reversal).
  CHECK(low.responsible_for(0));
  CHECK(high.responsible_for(3));
  // Inclusive bounds.
  HashRange one{0x8000000000000000ULL, 0x8000000000000000ULL};
  CHECK(one.responsible_for(1));
  CHECK_FALSE(one.responsible_for(3));
  CHECK(HashRange::full().responsible_for(12345));
  CHECK_FALSE(HashRange::none().responsible_for(0));
  CHECK(HashRange::none().empty());
}

TEST_CASE("proto::parse_hash_range", "[range]")
{
  CHECK(*proto::parse_hash_range("0:ffffffffffffffff") == HashRange::full());
  CHECK(*proto::parse_hash_range("0x10:0x20") == HashRange{0x10, 0x20});
  CHECK(proto::parse_hash_range("none")->empty());
  CHECK_FALSE(proto::parse_hash_range("20:10").ok());
  CHECK_FALSE(proto::parse_hash_range("10").ok());
  CHECK_FALSE(proto::parse_hash_range("g:10").ok());
  CHECK(HashRange{1, 2}.str() == "0000000000000001:0000000000000002");
}

TEST_CASE("proto::check_coverage finds gaps and overlaps", "[range]")
{
  CHECK(proto::check_coverage(proto::split_evenly(3)).ok());
  CHECK(proto::check_coverage({HashRange::full(), HashRange::none()}).ok());
  auto gap = proto::check_coverage({{0, 10}, {12, ~0ULL}});
  REQUIRE_FALSE(gap.ok());
  CHECK(gap.error().message.find("gap") != std::string::npos);
  auto overlap = proto::check_coverage({{0, 10}, {10, ~0ULL}});
  REQUIRE_FALSE(overlap.ok());
  CHECK(overlap.error().message.find("overlap") != std::string::npos);
  CHECK_FALSE(proto::check_coverage({{1, ~0ULL}}).ok());
  CHECK_FALSE(proto::check_coverage({{0, 5}}).ok());
  CHECK_FALSE(proto::check_coverage({}).ok());
  for (unsigned n : {1u, 2u, 7u}) {
    auto parts = proto::split_evenly(n);
    CHECK(parts.size() == n);
    CHECK(proto::check_coverage(parts).ok());
  }
}
