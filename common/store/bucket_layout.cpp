// Bucket paths: fixed-width lowercase hex, as the original's Hash.intToHex wrote them.
#include "store/bucket_layout.hpp"

#include <fmt/format.h>

namespace shoal::store {

namespace {

// The value of text as exactly `digits` hex digits; nullopt otherwise.
std::optional<std::uint64_t>
parse_hex(std::string_view text, std::size_t digits)
{
  if (text.size() != digits)
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0)
      return std::nullopt;
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  return v;
}

} // namespace

std::string
slot_name(std::uint64_t key)
{
  return fmt::format("{:010x}", key >> 24);
}

std::string
bucket_name(std::uint64_t key)
{
  return fmt::format("{:03x}", (key >> 12) & 0xfff);
}

std::string
bucket_relative_path(std::uint64_t key)
{
  return fmt::format("{:010x}/{:03x}", key >> 24, (key >> 12) & 0xfff);
}

std::optional<std::uint64_t>
parse_slot_name(std::string_view slot)
{
  auto s = parse_hex(slot, slot_name_digits);
  return s ? std::optional<std::uint64_t>(*s << 24) : std::nullopt;
}

std::optional<std::uint64_t>
parse_bucket_name(std::string_view slot, std::string_view bucket)
{
  auto s = parse_slot_name(slot);
  auto b = parse_hex(bucket, bucket_name_digits);
  if (!s || !b)
    return std::nullopt;
  return *s | *b << 12;
}

} // namespace shoal::store
