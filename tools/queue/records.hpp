// queue's text forms: CHANNEL and SUBSCRIBER operands, and record lines (the value escaped with
// core::escape, so that any bytes fit on one line and `consume | push` round-trips them).
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>

namespace shoal::queue {

// Checks a CHANNEL operand (Errc::usage when the nodes would refuse it).
core::Status check_channel(std::string_view channel);

// Checks a SUBSCRIBER operand (the rules of channel names; Errc::usage otherwise).
core::Status check_subscriber(std::string_view subscriber);

// One input record line (without its newline): the escaped value, not empty. Errors are
// Errc::bad_data without a line number.
core::Status parse_record_line(std::string_view line, std::string& value);

// Appends "ESCAPED-VALUE\n".
void append_record(std::string& out, std::string_view value);

} // namespace shoal::queue
