// Hash range parsing, formatting and the client's gap/overlap check.
#include "proto/hash_range.hpp"

#include <algorithm>

namespace shoal::proto {

std::string
HashRange::str() const
{
  if (empty())
    return "none";
  return core::key_to_hex(min) + ":" + core::key_to_hex(max);
}

core::Result<HashRange>
parse_hash_range(std::string_view text)
{
  if (text == "none")
    return HashRange::none();
  auto colon = text.find(':');
  auto bad = [&](const char* why) {
    return core::make_error(core::Errc::config,
                            "invalid hash range '" + std::string(text) + "': " + why);
  };
  if (colon == std::string_view::npos)
    return bad("expected MIN:MAX in hex, or none");
  auto min = core::parse_hex_loose(text.substr(0, colon));
  auto max = core::parse_hex_loose(text.substr(colon + 1));
  if (!min || !max)
    return bad("MIN and MAX must be 1 to 16 hex digits");
  if (*min > *max)
    return bad("MIN is greater than MAX");
  return HashRange{*min, *max};
}

core::Status
check_coverage(std::vector<HashRange> ranges)
{
  std::erase_if(ranges, [](const HashRange& r) { return r.empty(); });
  if (ranges.empty())
    return core::make_error(core::Errc::config, "no node is responsible for any key");
  std::sort(ranges.begin(), ranges.end(),
            [](const HashRange& a, const HashRange& b) { return a.min < b.min; });
  if (ranges.front().min != 0)
    return core::make_error(core::Errc::config, "gap: no node covers 0000000000000000:" +
                                                    core::key_to_hex(ranges.front().min - 1));
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    const HashRange& prev = ranges[i - 1];
    const HashRange& next = ranges[i];
    if (prev.max == ~std::uint64_t{0} || next.min <= prev.max)
      return core::make_error(core::Errc::config, "overlap: " + prev.str() + " and " + next.str());
    if (next.min != prev.max + 1)
      return core::make_error(core::Errc::config, "gap: no node covers " +
                                                      core::key_to_hex(prev.max + 1) + ":" +
                                                      core::key_to_hex(next.min - 1));
  }
  if (ranges.back().max != ~std::uint64_t{0})
    return core::make_error(core::Errc::config, "gap: no node covers " +
                                                    core::key_to_hex(ranges.back().max + 1) +
                                                    ":ffffffffffffffff");
  return {};
}

std::vector<HashRange>
split_evenly(unsigned n)
{
  std::vector<HashRange> out;
  if (n == 0)
    return out;
  std::uint64_t step = ~std::uint64_t{0} / n;
  std::uint64_t start = 0;
  for (unsigned i = 0; i < n; ++i) {
    std::uint64_t end = i + 1 == n ? ~std::uint64_t{0} : start + step;
    out.push_back({start, end});
    start = end + 1;
  }
  return out;
}

} // namespace shoal::proto
