// Hex key formatting/parsing and the line escaping used by the CLIs.
#include "core/hex.hpp"

#include <array>

namespace shoal::core {

namespace {
constexpr char digits[] = "0123456789abcdef";

int
hex_value(char c, bool lower_only)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (!lower_only && c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// The value of each lowercase hex digit, 16 for every other byte: parse_key runs twice per
// record a log node stores, so it reads a table rather than branching per character.
constexpr std::array<std::uint8_t, 256>
make_lower_hex_table()
{
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c >= '0' && c <= '9'   ? c - '0'
                                                               : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                                                      : 16);
  return t;
}
constexpr auto lower_hex = make_lower_hex_table();
} // namespace

void
format_key(std::uint64_t key, char out[key_hex_digits])
{
  for (int i = 15; i >= 0; --i) {
    out[i] = digits[key & 0xf];
    key >>= 4;
  }
}

std::string
key_to_hex(std::uint64_t key)
{
  std::string s(key_hex_digits, '0');
  format_key(key, s.data());
  return s;
}

std::optional<std::uint64_t>
parse_key(std::string_view text)
{
  if (text.size() != key_hex_digits)
    return std::nullopt;
  std::uint64_t v = 0;
  unsigned bad = 0; // any digit's table value of 16 sets bit 4: one test at the end
  for (char c : text) {
    unsigned d = lower_hex[static_cast<unsigned char>(c)];
    bad |= d;
    v = (v << 4) | (d & 0xf);
  }
  if (bad & 16)
    return std::nullopt;
  return v;
}

std::optional<std::uint64_t>
parse_hex_loose(std::string_view text)
{
  if (text.starts_with("0x") || text.starts_with("0X"))
    text.remove_prefix(2);
  if (text.empty() || text.size() > key_hex_digits)
    return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    int d = hex_value(c, false);
    if (d < 0)
      return std::nullopt;
    v = (v << 4) | static_cast<unsigned>(d);
  }
  return v;
}

std::string
escape(std::string_view raw)
{
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    switch (c) {
    case '\\': out += "\\\\"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        out += "\\x";
        out += digits[c >> 4];
        out += digits[c & 0xf];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out;
}

std::optional<std::string>
unescape(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size())
      return std::nullopt;
    switch (text[i]) {
    case '\\': out += '\\'; break;
    case 't': out += '\t'; break;
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 'x': {
      if (i + 2 >= text.size())
        return std::nullopt;
      int hi = hex_value(text[i + 1], false);
      int lo = hex_value(text[i + 2], false);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out += static_cast<char>(hi << 4 | lo);
      i += 2;
      break;
    }
    default: return std::nullopt;
    }
  }
  return out;
}

} // namespace shoal::core
