// Unit tests for common/proto batches: LZO1X-1 record batches built, compressed, validated
// and walked, including corrupt, truncated and oversized payloads.
#include "core/hex.hpp"
#include "proto/batch.hpp"
#include "proto/wire.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

using namespace shoal::proto;

namespace {

std::string
u64_bytes(std::uint64_t v)
{
  std::string out;
  WireWriter(out).u64(v);
  return out;
}

std::string
arr(std::string_view s)
{
  std::string out;
  WireWriter(out).array(s);
  return out;
}

std::string
value_for(std::size_t i)
{
  return std::string(i % 97, static_cast<char>('a' + i % 26)) + std::to_string(i);
}

} // namespace

TEST_CASE("proto::BatchBuilder round-trips many records", "[proto]")
{
  BatchBuilder builder;
  std::vector<std::string> payloads;
  constexpr std::size_t n = 20000;
  for (std::size_t i = 0; i < n; ++i) {
    std::string v = value_for(i);
    if (!builder.add(i * 0x9e3779b97f4a7c15ULL, v)) {
      payloads.emplace_back();
      builder.finish(payloads.back());
      REQUIRE(builder.empty());
      REQUIRE(builder.add(i * 0x9e3779b97f4a7c15ULL, v));
    }
  }
  payloads.emplace_back();
  builder.finish(payloads.back());
  CHECK(payloads.size() > 10);

  std::size_t i = 0;
  std::string raw;
  for (const std::string& p : payloads) {
    REQUIRE(p.size() <= batch_payload_bound(default_batch_size));
    REQUIRE(decompress_batch(p, default_batch_size, raw).ok());
    BatchReader reader(raw);
    std::string_view key, value;
    while (reader.next_pair(key, value)) {
      REQUIRE(shoal::core::parse_key(key) == i * 0x9e3779b97f4a7c15ULL);
      REQUIRE(value == value_for(i));
      ++i;
    }
    REQUIRE_FALSE(reader.failed());
  }
  CHECK(i == n);
}

TEST_CASE("proto::BatchBuilder key batches and the raw layout", "[proto]")
{
  BatchBuilder builder(3 * BatchBuilder::key_size());
  CHECK(builder.add_key(1));
  CHECK(builder.add_key(2));
  CHECK(builder.add_key(~0ULL));
  CHECK_FALSE(builder.add_key(4));
  CHECK(builder.records() == 3);
  std::string payload;
  builder.finish(payload);
  auto raw = decompress_batch(payload, 1000);
  REQUIRE(raw.ok());
  CHECK(*raw == arr("0000000000000001") + arr("0000000000000002") + arr("ffffffffffffffff"));
  std::string wire = "prefix";
  REQUIRE(builder.add_key(5));
  builder.finish_array(wire);
  std::string_view item;
  WireReader in(std::string_view(wire).substr(6));
  REQUIRE(in.array(item, 1000) == ArrayStatus::ok);
  CHECK(in.remaining() == 0);
  CHECK(decompress_batch(item, 1000).value() == arr("0000000000000005"));

  BatchReader reader(*raw);
  std::string_view key;
  int count = 0;
  while (reader.next_key(key))
    ++count;
  CHECK(count == 3);
  CHECK(reader.at_end());
  CHECK_FALSE(reader.failed());
}

TEST_CASE("proto::BatchBuilder full batches and records at the limit", "[proto]")
{
  BatchBuilder builder(100);
  CHECK(BatchBuilder::record_size(68) == 100);
  CHECK(builder.fits_empty(68));
  CHECK_FALSE(builder.fits_empty(69));
  CHECK_FALSE(builder.add(1, std::string(69, 'x')));
  CHECK(builder.empty());
  CHECK(builder.add(1, std::string(68, 'x')));
  CHECK(builder.raw_size() == 100);
  CHECK_FALSE(builder.add(2, ""));
  CHECK_FALSE(builder.add_key(2));
  CHECK(builder.records() == 1);
  CHECK(builder.raw_size() == 100);
  std::string payload;
  builder.finish(payload);
  CHECK(builder.raw_size() == 0);
  CHECK(decompress_batch(payload, 100).ok());
  CHECK_FALSE(decompress_batch(payload, 99).ok());
  CHECK_FALSE(BatchBuilder(10).fits_empty(0));
  payload.clear();
  BatchBuilder(10).finish(payload); // an empty batch is still a valid payload
  auto empty = decompress_batch(payload, 0);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("proto::decompress_batch rejects bad payloads", "[proto]")
{
  BatchBuilder builder;
  for (std::uint64_t k = 0; k < 100; ++k)
    REQUIRE(builder.add(k, "value value value value"));
  std::size_t raw_size = builder.raw_size();
  std::string payload;
  builder.finish(payload);
  REQUIRE(decompress_batch(payload, raw_size).ok());

  auto err = decompress_batch(payload.substr(0, 7), raw_size);
  REQUIRE_FALSE(err.ok());
  CHECK(err.error().code == shoal::core::Errc::bad_data);
  err = decompress_batch(payload, raw_size - 1);
  REQUIRE_FALSE(err.ok());
  CHECK(err.error().message.find("announces") != std::string::npos);
  for (std::size_t cut = 8; cut < payload.size(); cut += 7)
    CHECK_FALSE(decompress_batch(payload.substr(0, cut), raw_size).ok());
  CHECK_FALSE(decompress_batch(payload + "x", raw_size).ok()); // trailing garbage
  std::string wrong_len = u64_bytes(raw_size + 1) + payload.substr(8);
  CHECK_FALSE(decompress_batch(wrong_len, raw_size + 1).ok());
  wrong_len = u64_bytes(raw_size - 1) + payload.substr(8);
  CHECK_FALSE(decompress_batch(wrong_len, raw_size).ok());
  std::string garbage = u64_bytes(1000) + std::string(200, '\xff');
  CHECK_FALSE(decompress_batch(garbage, 1000).ok());
  std::string corrupt = payload;
  for (std::size_t i = 8; i < corrupt.size(); i += 3)
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  CHECK_FALSE(decompress_batch(corrupt, raw_size).ok());
}

TEST_CASE("proto::lzo_store_literals gives blocks liblzo decompresses", "[proto]")
{
  // Around every boundary of the length encoding: the short form, one and two extension bytes.
  for (std::size_t n : {19, 20, 100, 272, 273, 274, 527, 528, 529, 65536}) {
    std::string raw;
    for (std::size_t i = 0; i < n; ++i)
      raw.push_back(static_cast<char>(i * 7 + n));
    std::string payload = u64_bytes(n);
    lzo_store_literals(raw, payload);
    CHECK(payload.size() - 8 <= lzo_compress_bound(n));
    auto back = decompress_batch(payload, n);
    REQUIRE(back.ok());
    CHECK(*back == raw);
  }
}

TEST_CASE("proto::BatchCompressor stores what LZO cannot shrink, and tries again", "[proto]")
{
  std::string noise; // LZO saves a little (the run of 'a'), less than an eighth
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 7680; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    noise.push_back(static_cast<char>(x));
  }
  noise.append(512, 'a');
  std::string text(8192, 'a');
  BatchCompressor compressor;
  auto sizes = [&](std::string_view raw, int n) {
    std::vector<std::size_t> out;
    for (int i = 0; i < n; ++i) {
      std::string payload;
      compressor.payload(raw, payload);
      auto back = decompress_batch(payload, raw.size());
      REQUIRE(back.ok());
      REQUIRE(*back == raw);
      out.push_back(payload.size() - 8);
    }
    return out;
  };
  CHECK(sizes(text, 2)[1] < 200); // compressible: compressed every time
  auto stored = sizes(noise, 1 + BatchCompressor::store_after_miss);
  CHECK(stored[0] < stored[1]); // the first was compressed, for too little
  for (std::size_t i = 1; i < stored.size(); ++i)
    CHECK(stored[i] == noise.size() + 5 + noise.size() / 255); // literal runs
  CHECK(sizes(text, 1)[0] < 200); // after the stored ones, compression is tried again
}

TEST_CASE("proto::BatchCompressor(false) stores every batch, however compressible", "[proto]")
{
  BatchCompressor compressor(false);
  for (std::size_t n : {lzo_literal_min, std::size_t{8192}, std::size_t{64 * 1024}}) {
    std::string text(n, 'a');
    std::string out;
    compressor.array(text, out);
    REQUIRE(out.size() > 16);
    std::string_view payload = std::string_view(out).substr(8); // past the array length
    CHECK(payload.size() == 8 + n + 5 + (n - 18) / 255);        // a literal run
    auto back = decompress_batch(payload, n);
    REQUIRE(back.ok());
    CHECK(*back == text);
  }
}

TEST_CASE("proto::BatchReader stops on truncated raw data", "[proto]")
{
  std::string raw = arr("0000000000000001") + arr("one") + arr("0000000000000002") + arr("two");
  std::size_t first_record = raw.size() / 2;
  for (std::size_t n = 0; n < raw.size(); ++n) {
    std::string cut = raw.substr(0, n);
    BatchReader reader(cut);
    std::string_view key, value;
    std::size_t count = 0;
    while (reader.next_pair(key, value))
      ++count;
    INFO("cut at " << n);
    CHECK(count == (n >= first_record ? 1u : 0u));
    CHECK(reader.failed() == (n != 0 && n != first_record));
  }
  std::string hostile = u64_bytes(~0ULL) + "abc";
  BatchReader reader(hostile);
  std::string_view key;
  CHECK_FALSE(reader.next_key(key));
  CHECK(reader.failed());
}
