// Timestamps: parsing and printing, with the civil-date arithmetic of H. Hinnant's
// days_from_civil / civil_from_days (proleptic Gregorian calendar, UTC).
#include "timestamps.hpp"

#include "core/hex.hpp"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace shoal::logfiles {

namespace {

constexpr std::int64_t seconds_per_day = 86400;

// Days since 1970-01-01 of a civil date.
std::int64_t
days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The civil date of a day count since 1970-01-01 (non-negative).
void
civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d)
{
  z += 719468;
  const std::int64_t era = z / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

bool
is_leap(std::int64_t y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned
days_in_month(std::int64_t y, unsigned m)
{
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Reads exactly n decimal digits at text[pos] into value.
bool
digits(std::string_view text, std::size_t& pos, std::size_t n, unsigned& value)
{
  if (pos + n > text.size())
    return false;
  value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return true;
}

bool
expect(std::string_view text, std::size_t& pos, char c)
{
  if (pos >= text.size() || text[pos] != c)
    return false;
  ++pos;
  return true;
}

// A UTC offset "Z", "+HH:MM", "-HH:MM" or nothing, to the end of text; seconds east of UTC.
bool
parse_zone(std::string_view text, std::size_t pos, std::int64_t& offset)
{
  offset = 0;
  if (pos == text.size())
    return true;
  if (text[pos] == 'Z' || text[pos] == 'z')
    return pos + 1 == text.size();
  if (text[pos] != '+' && text[pos] != '-')
    return false;
  const int sign = text[pos++] == '-' ? -1 : 1;
  unsigned hh = 0, mm = 0;
  if (!digits(text, pos, 2, hh) || !expect(text, pos, ':') || !digits(text, pos, 2, mm) ||
      pos != text.size() || hh > 23 || mm > 59)
    return false;
  offset = sign * static_cast<std::int64_t>(hh * 3600 + mm * 60);
  return true;
}

// A date or date/time (see parse_timestamp); date_only tells which it was.
bool
parse_iso(std::string_view text, std::uint64_t& key, bool& date_only)
{
  std::size_t pos = 0;
  unsigned year = 0, month = 0, day = 0;
  if (!digits(text, pos, 4, year) || !expect(text, pos, '-') || !digits(text, pos, 2, month) ||
      !expect(text, pos, '-') || !digits(text, pos, 2, day))
    return false;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
    return false;
  std::int64_t seconds = days_from_civil(year, month, day) * seconds_per_day;
  date_only = pos == text.size();
  if (!date_only) {
    unsigned hh = 0, mm = 0, ss = 0;
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')
      return false;
    ++pos;
    if (!digits(text, pos, 2, hh) || !expect(text, pos, ':') || !digits(text, pos, 2, mm))
      return false;
    if (pos < text.size() && text[pos] == ':' && !(++pos, digits(text, pos, 2, ss)))
      return false;
    std::int64_t offset = 0;
    if (hh > 23 || mm > 59 || ss > 60 || !parse_zone(text, pos, offset)) // 60: a leap second
      return false;
    seconds += hh * 3600 + mm * 60 + ss - offset;
  }
  if (seconds < 0)
    return false;
  key = static_cast<std::uint64_t>(seconds);
  return true;
}

bool
parse_decimal(std::string_view text, std::uint64_t& key)
{
  if (text.empty())
    return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), key);
  return ec == std::errc() && end == text.data() + text.size();
}

bool
parse_hex(std::string_view text, std::uint64_t& key)
{
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    return false;
  auto parsed = core::parse_hex_loose(text);
  if (!parsed)
    return false;
  key = *parsed;
  return true;
}

bool
parse_any(std::string_view text, std::uint64_t& key, bool& date_only)
{
  date_only = false;
  if (text.size() >= 5 && text[4] == '-')
    return parse_iso(text, key, date_only);
  return parse_hex(text, key) || parse_decimal(text, key);
}

std::string
shown(std::string_view text)
{
  return std::string(text.substr(0, 40)) + (text.size() > 40 ? "..." : "");
}

// "-N" and a unit: seconds before now.
bool
parse_relative(std::string_view text, std::uint64_t now, std::uint64_t& key)
{
  if (text.size() < 3 || text[0] != '-')
    return false;
  std::uint64_t unit = 0;
  switch (text.back()) {
  case 's': unit = 1; break;
  case 'm': unit = 60; break;
  case 'h': unit = 3600; break;
  case 'd': unit = seconds_per_day; break;
  default: return false;
  }
  std::uint64_t n = 0;
  if (!parse_decimal(text.substr(1, text.size() - 2), n) || n > now / unit)
    return false;
  key = now - n * unit;
  return true;
}

} // namespace

core::Result<std::uint64_t>
parse_timestamp(std::string_view text)
{
  std::uint64_t key = 0;
  bool date_only = false;
  if (!parse_any(text, key, date_only))
    return core::make_error(core::Errc::bad_data,
                            "bad timestamp '" + shown(text) +
                                "': expected decimal seconds, 0x hex or YYYY-MM-DD[THH:MM[:SS]Z]");
  return key;
}

core::Result<std::uint64_t>
parse_time_operand(std::string_view text, bool end_of_day, std::uint64_t now)
{
  std::uint64_t key = 0;
  bool date_only = false;
  if (text == "now")
    return now;
  if (parse_relative(text, now, key))
    return key;
  if (!parse_any(text, key, date_only))
    return core::make_error(core::Errc::usage,
                            "bad time '" + shown(text) +
                                "': expected decimal seconds, 0x hex, YYYY-MM-DD[THH:MM[:SS]Z], "
                                "now or -N{s,m,h,d}");
  if (date_only && end_of_day)
    key += seconds_per_day - 1;
  return key;
}

void
append_timestamp(std::string& out, std::uint64_t key, KeyFormat format)
{
  char text[32];
  if (format == KeyFormat::hex) {
    out += "0x";
    char hex[core::key_hex_digits];
    core::format_key(key, hex);
    out.append(hex, sizeof hex);
  } else if (format == KeyFormat::iso && key <= max_iso_key) {
    const auto seconds = static_cast<std::int64_t>(key);
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    civil_from_days(seconds / seconds_per_day, y, m, d);
    const auto in_day = static_cast<unsigned>(seconds % seconds_per_day);
    int n = std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
                          static_cast<long long>(y), m, d, in_day / 3600, in_day / 60 % 60,
                          in_day % 60);
    out.append(text, static_cast<std::size_t>(n));
  } else {
    auto [end, ec] = std::to_chars(text, text + sizeof text, key);
    out.append(text, end);
  }
}

std::uint64_t
now_seconds()
{
  return static_cast<std::uint64_t>(std::time(nullptr));
}

} // namespace shoal::logfiles
