// logfiles' timestamps: the text forms of a record's 64-bit key (decimal seconds, 0x hex or an
// ISO-8601 UTC date/time) and of the FROM/TO operands (those, "now" and "-1h"-style offsets).
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::logfiles {

// How keys are printed.
enum class KeyFormat {
  dec, // decimal: 1795356000
  hex, // 0x and 16 hex digits: 0x000000006b018760
  iso, // 2026-11-22T14:00:00Z (decimal beyond 9999-12-31T23:59:59Z)
};

// The largest key that has an ISO-8601 form: 9999-12-31T23:59:59Z.
inline constexpr std::uint64_t max_iso_key = 253402300799;

// Parses a TIMESTAMP: decimal digits (any u64), 0x followed by 1-16 hex digits, or a UTC date
// "YYYY-MM-DD" (its midnight) or date/time "YYYY-MM-DDTHH:MM[:SS]" followed by nothing or Z
// (UTC) or an offset +HH:MM / -HH:MM (a space may stand for the T). Errors are Errc::bad_data.
core::Result<std::uint64_t> parse_timestamp(std::string_view text);

// Parses a FROM or TO operand: a TIMESTAMP, "now", or "-N" followed by s, m, h or d (that long
// before now). As TO (end_of_day), a date alone means the last second of that day. Errors are
// Errc::usage.
core::Result<std::uint64_t>
parse_time_operand(std::string_view text, bool end_of_day, std::uint64_t now);

// Appends key in format.
void append_timestamp(std::string& out, std::uint64_t key, KeyFormat format);

// The current time in seconds since the epoch.
std::uint64_t now_seconds();

} // namespace shoal::logfiles
