// dht's text forms: KEY operands, and the record lines of stdin and stdout
// (KEY<TAB>VALUE, KEY = 16 hex digits, VALUE escaped with core::escape).
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::dht {

// A KEY operand: 16 hex digits of either case, or with hash any string hashed with FNV-1a 64.
// Errors are Errc::usage.
core::Result<std::uint64_t> parse_key_operand(std::string_view text, bool hash);

// One input record line (without its newline): KEY<TAB>VALUE with VALUE (and, with hash, KEY)
// escaped; the value must not be empty. Errors are Errc::bad_data without a line number.
core::Status
parse_record_line(std::string_view line, bool hash, std::uint64_t& key, std::string& value);

// Appends "KEY<TAB>ESCAPED-VALUE\n".
void append_record(std::string& out, std::uint64_t key, std::string_view value);

// Appends "KEY\n".
void append_key(std::string& out, std::uint64_t key);

// Appends the line of a Listen removal: "-KEY\n".
void append_removal(std::string& out, std::uint64_t key);

// Checks a CHANNEL operand (Errc::usage when the nodes would refuse it).
core::Status check_channel(std::string_view channel);

} // namespace shoal::dht
