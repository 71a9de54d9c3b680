// The small pieces of the text messages nodes exchange (updates, summaries): the version word
// that opens them, splitting on single spaces, strict numbers.
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>
#include <vector>

namespace shoal::odsrpcsync {

// The first word of every message of shoal's form; a new wire version takes a new word.
inline constexpr std::string_view wire_magic = "ods-rpc-sync/1";

// A decimal number and nothing else.
inline bool
parse_u64(std::string_view text, std::uint64_t& out)
{
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

// Splits on single spaces into at most n fields; the last keeps the rest of the line.
inline std::vector<std::string_view>
split_fields(std::string_view line, std::size_t n)
{
  std::vector<std::string_view> out;
  while (out.size() + 1 < n) {
    auto sp = line.find(' ');
    if (sp == std::string_view::npos)
      break;
    out.push_back(line.substr(0, sp));
    line.remove_prefix(sp + 1);
  }
  out.push_back(line);
  return out;
}

} // namespace shoal::odsrpcsync
