// KEY operands and record lines.
#include "records.hpp"

#include "cli/check_name.hpp"
#include "client/key_hash.hpp"
#include "core/hex.hpp"
#include "proto/codes.hpp"

#include <cctype>

namespace shoal::dht {

namespace {
// 16 hex digits of either case; the wire wants lowercase.
bool
parse_hex_key(std::string_view text, std::uint64_t& key)
{
  if (text.size() != core::key_hex_digits)
    return false;
  char lower[core::key_hex_digits];
  for (std::size_t i = 0; i < text.size(); ++i)
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  auto parsed = core::parse_key(std::string_view(lower, sizeof lower));
  if (!parsed)
    return false;
  key = *parsed;
  return true;
}
} // namespace

core::Result<std::uint64_t>
parse_key_operand(std::string_view text, bool hash)
{
  if (hash)
    return client::fnv1a64(text);
  std::uint64_t key = 0;
  if (!parse_hex_key(text, key))
    return core::make_error(core::Errc::usage, "bad key '" + std::string(text) +
                                                   "': expected 16 hex digits (or use --hash)");
  return key;
}

core::Status
parse_record_line(std::string_view line, bool hash, std::uint64_t& key, std::string& value)
{
  std::size_t tab = line.find('\t');
  if (tab == std::string_view::npos)
    return core::make_error(core::Errc::bad_data, "expected KEY<TAB>VALUE");
  std::string_view key_text = line.substr(0, tab);
  if (hash) {
    auto raw = core::unescape(key_text);
    if (!raw)
      return core::make_error(core::Errc::bad_data, "bad escape sequence in the key");
    key = client::fnv1a64(*raw);
  } else if (!parse_hex_key(key_text, key)) {
    return core::make_error(core::Errc::bad_data, "bad key '" +
                                                      std::string(key_text.substr(0, 40)) +
                                                      "': expected 16 hex digits");
  }
  auto raw = core::unescape(line.substr(tab + 1));
  if (!raw)
    return core::make_error(core::Errc::bad_data, "bad escape sequence in the value");
  if (raw->empty())
    return core::make_error(core::Errc::bad_data, "empty value (the nodes refuse empty values)");
  value = std::move(*raw);
  return {};
}

void
append_record(std::string& out, std::uint64_t key, std::string_view value)
{
  append_key(out, key);
  out.back() = '\t';
  out += core::escape(value);
  out += '\n';
}

void
append_key(std::string& out, std::uint64_t key)
{
  char hex[core::key_hex_digits];
  core::format_key(key, hex);
  out.append(hex, sizeof hex);
  out += '\n';
}

void
append_removal(std::string& out, std::uint64_t key)
{
  out += '-';
  append_key(out, key);
}

core::Status
check_channel(std::string_view channel)
{
  return cli::check_name("channel", channel);
}

} // namespace shoal::dht
