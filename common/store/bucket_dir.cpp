// list_buckets: two directory levels, filtered by name and range, sorted.
#include "store/bucket_dir.hpp"

#include "store/bucket_layout.hpp"

#include <algorithm>
#include <filesystem>
#include <string_view>

namespace shoal::store {

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t slot_span = std::uint64_t{1} << 24; // keys per slot directory

bool
meets(std::uint64_t first, std::uint64_t span, std::uint64_t min_key, std::uint64_t max_key)
{
  return first <= max_key && first + (span - 1) >= min_key;
}

} // namespace

core::Result<std::vector<BucketEntry>>
list_buckets(const std::string& channel_dir, std::uint64_t min_key, std::uint64_t max_key)
{
  std::vector<BucketEntry> out;
  std::error_code ec;
  fs::directory_iterator slots(channel_dir, ec);
  if (ec == std::errc::no_such_file_or_directory)
    return out;
  if (ec)
    return core::make_error(core::Errc::io, "cannot list " + channel_dir + ": " + ec.message());
  for (const fs::directory_entry& slot : slots) {
    std::string slot_text = slot.path().filename().string();
    auto slot_first = parse_slot_name(slot_text);
    if (!slot_first || !meets(*slot_first, slot_span, min_key, max_key) || !slot.is_directory(ec))
      continue;
    fs::directory_iterator buckets(slot.path(), ec);
    if (ec)
      return core::make_error(core::Errc::io,
                              "cannot list " + slot.path().string() + ": " + ec.message());
    for (const fs::directory_entry& bucket : buckets) {
      std::string name = bucket.path().filename().string();
      bool gz = name.size() == bucket_name_digits + 3 && std::string_view(name).substr(3) == ".gz";
      auto first = parse_bucket_name(slot_text, gz ? std::string_view(name).substr(0, 3) : name);
      if (!first || !meets(*first, keys_per_bucket, min_key, max_key) ||
          !bucket.is_regular_file(ec))
        continue;
      out.push_back({bucket.path().string(), *first, gz});
    }
  }
  std::sort(out.begin(), out.end(), [](const BucketEntry& a, const BucketEntry& b) {
    return a.first_key != b.first_key ? a.first_key < b.first_key : a.compressed < b.compressed;
  });
  return out;
}

} // namespace shoal::store
