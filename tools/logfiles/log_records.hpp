// logfiles' record lines, read by put and printed by get-range and get-all:
// TIMESTAMP<TAB>VALUE with VALUE escaped with core::escape (so that any bytes fit on a line).
#pragma once

#include "timestamps.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::logfiles {

// One input record line (without its newline): TIMESTAMP<TAB>ESCAPED-VALUE; the value must not
// be empty. Errors are Errc::bad_data without a line number.
core::Status parse_record_line(std::string_view line, std::uint64_t& key, std::string& value);

// One input value line (put --key/--now): ESCAPED-VALUE, not empty. Errors as above.
core::Status parse_value_line(std::string_view line, std::string& value);

// Appends "TIMESTAMP<TAB>ESCAPED-VALUE\n".
void append_record(std::string& out, std::uint64_t key, std::string_view value, KeyFormat format);

// Checks a CHANNEL operand (Errc::usage when the nodes would refuse it).
core::Status check_channel(std::string_view channel);

} // namespace shoal::logfiles
