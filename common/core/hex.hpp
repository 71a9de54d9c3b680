// Hex and bit helpers for 64-bit keys: 16-digit lowercase hex as on the swarm wire, bit reversal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::core {

// Number of hex digits in a key on the wire and in dump files.
inline constexpr std::size_t key_hex_digits = 16;

// Writes key as exactly 16 lowercase hex digits into out (no terminator).
void format_key(std::uint64_t key, char out[key_hex_digits]);

// Returns key as a 16-digit lowercase hex string.
std::string key_to_hex(std::uint64_t key);

// Parses exactly 16 hex digits, lowercase only (the swarm rule); nullopt otherwise.
std::optional<std::uint64_t> parse_key(std::string_view text);

// The value of one hex digit of either case, or -1.
inline int
hex_digit_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Parses 1-16 hex digits of either case with an optional 0x prefix (for operator input).
std::optional<std::uint64_t> parse_hex_loose(std::string_view text);

// Reverses the order of the 64 bits (bit 0 becomes bit 63): the swarm range test key.
constexpr std::uint64_t
bit_reverse(std::uint64_t v)
{
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
  v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
  return (v >> 32) | (v << 32);
}

// Escapes bytes for one-line text output: \\, \t, \n, \r and non-printable bytes as \xHH.
std::string escape(std::string_view raw);

// Reverses escape(); nullopt on a malformed escape sequence.
std::optional<std::string> unescape(std::string_view text);

} // namespace shoal::core
