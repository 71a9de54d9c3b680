// The checkpoint file's text format: a version line, then channel and bucket lines.
#include "checkpoint.hpp"

#include "proto/codes.hpp"

#include <fmt/format.h>

#include <charconv>

namespace shoal::logfilesnode {

namespace {

constexpr std::string_view version_line = "shoal-logfilesnode checkpoint 1";

std::vector<std::string_view>
split_words(std::string_view line)
{
  std::vector<std::string_view> words;
  while (!line.empty()) {
    auto start = line.find_first_not_of(' ');
    if (start == std::string_view::npos)
      break;
    line.remove_prefix(start);
    auto end = line.find(' ');
    words.push_back(line.substr(0, end));
    line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  }
  return words;
}

bool
parse_u64(std::string_view text, std::uint64_t& out, int base = 10)
{
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

} // namespace

std::string
encode_checkpoint(const Checkpoint& checkpoint)
{
  std::string out = std::string(version_line) + "\n";
  for (const auto& c : checkpoint.channels)
    out += fmt::format("channel {} {} {}\n", c.name, c.records, c.bytes);
  for (const auto& b : checkpoint.buckets)
    out += fmt::format("bucket {} {:016x} {}\n", b.channel, b.start, b.offset);
  return out;
}

core::Result<Checkpoint>
parse_checkpoint(std::string_view text, const std::string& path)
{
  Checkpoint cp;
  std::size_t number = 0;
  bool original = true;
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++number;
    auto bad = [&](std::string_view why) {
      return core::make_error(core::Errc::bad_data,
                              fmt::format("{}: line {}: {}", path, number, why));
    };
    if (number == 1 && line == version_line) {
      original = false;
      cp.has_sizes = true;
      continue;
    }
    auto words = split_words(line);
    if (words.empty())
      continue;
    if (original) { // the DLS format: "<channel> <bucket start> <offset>", decimal
      Checkpoint::Bucket b;
      if (words.size() != 3 || !parse_u64(words[1], b.start) || !parse_u64(words[2], b.offset))
        return bad("expected \"<channel> <bucket start> <offset>\"");
      b.channel = words[0];
      cp.buckets.push_back(std::move(b));
    } else if (words[0] == "channel") {
      Checkpoint::Channel c;
      if (words.size() != 4 || !parse_u64(words[2], c.records) || !parse_u64(words[3], c.bytes))
        return bad("expected \"channel <name> <records> <bytes>\"");
      c.name = words[1];
      cp.channels.push_back(std::move(c));
    } else if (words[0] == "bucket") {
      Checkpoint::Bucket b;
      if (words.size() != 4 || !parse_u64(words[2], b.start, 16) || !parse_u64(words[3], b.offset))
        return bad("expected \"bucket <name> <start> <offset>\"");
      b.channel = words[1];
      cp.buckets.push_back(std::move(b));
    } else {
      return bad("unknown item \"" + std::string(words[0]) + "\"");
    }
    std::string_view name = words[original ? 0 : 1];
    if (!proto::valid_channel_name(name))
      return bad("invalid channel name");
  }
  return cp;
}

} // namespace shoal::logfilesnode
