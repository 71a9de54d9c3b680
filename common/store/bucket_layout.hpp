// Where a log record lives (specs/swarm.md §3.2): <channel>/<slot: 10 hex>/<bucket: 3 hex>,
// a bucket file holding 4096 consecutive keys, a slot directory up to 4096 buckets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::store {

inline constexpr std::uint64_t keys_per_bucket = 4096;
inline constexpr std::size_t slot_name_digits = 10;
inline constexpr std::size_t bucket_name_digits = 3;

// The first key of the bucket holding key.
constexpr std::uint64_t
bucket_start(std::uint64_t key)
{
  return key & ~(keys_per_bucket - 1);
}

// The bucket's path below its channel directory: "12345678ab/cde" for key 0x12345678abcdefxx.
std::string bucket_relative_path(std::uint64_t key);

// The slot directory name of key: its upper 40 bits as 10 lowercase hex digits.
std::string slot_name(std::uint64_t key);

// The bucket file name of key: bits 12..23 as 3 lowercase hex digits.
std::string bucket_name(std::uint64_t key);

// The first key of the bucket named slot/bucket (10 and 3 hex digits, either case); nullopt for
// any other name (temporary files, "*.gz" handled by the caller, strays).
std::optional<std::uint64_t> parse_bucket_name(std::string_view slot, std::string_view bucket);

// The first key of a slot directory's name (10 hex digits); nullopt otherwise.
std::optional<std::uint64_t> parse_slot_name(std::string_view slot);

} // namespace shoal::store
