// Hex key formatting/parsing and the line escaping used by the CLIs.
#include "core/hex.hpp"

#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

#if defined(__SSE2__)
// All 16 digits at once (SSE2 is part of x86-64): a log node parses the key of every record it
// takes, and this is ~4x the table loop below.
std::optional<std::uint64_t>
parse_key16(const char* text)
{
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text));
  // Signed compares: bytes over 0x7f are negative and fall outside both ranges.
  __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
  __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
                                _mm_cmplt_epi8(v, _mm_set1_epi8('f' + 1)));
  if (_mm_movemask_epi8(_mm_or_si128(digit, lower)) != 0xffff)
    return std::nullopt;
  // Nibbles: c - 'a' + 10 for letters, c - '0' for digits ('a' - 10 - '0' = 39).
  __m128i nib = _mm_add_epi8(_mm_sub_epi8(v, _mm_set1_epi8('a' - 10)),
                             _mm_and_si128(digit, _mm_set1_epi8(39)));
  // Each 16-bit lane holds digits 2i (low byte) and 2i+1: make it the byte (2i << 4) | 2i+1.
  __m128i pairs = _mm_and_si128(_mm_add_epi16(_mm_slli_epi16(nib, 4), _mm_srli_epi16(nib, 8)),
                                _mm_set1_epi16(0xff));
  auto be = static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_packus_epi16(pairs, pairs)));
  return __builtin_bswap64(be); // the text is most significant digit first
}
#else
// The value of each lowercase hex digit, 16 for every other byte: no branch per character.
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

std::optional<std::uint64_t>
parse_key16(const char* text)
{
  std::uint64_t v = 0;
  unsigned bad = 0; // any digit's table value of 16 sets bit 4: one test at the end
  for (int i = 0; i < 16; ++i) {
    unsigned d = lower_hex[static_cast<unsigned char>(text[i])];
    bad |= d;
    v = (v << 4) | (d & 0xf);
  }
  if (bad & 16)
    return std::nullopt;
  return v;
}
#endif
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
  static_assert(key_hex_digits == 16);
  if (text.size() != key_hex_digits)
    return std::nullopt;
  return parse_key16(text.data());
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
