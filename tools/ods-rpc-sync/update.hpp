// An update: one change of one flag, as nodes exchange it. Two wire forms, one line each:
//
// shoal's, version 1:  "ods-rpc-sync/1 <origin> <ts_ns> SET <name> <value>\n"
//                      "ods-rpc-sync/1 <origin> <ts_ns> CLEAR <name>\n"
//   origin the node id, ts_ns the action's time in nanoseconds since the epoch, value the
//   flag's string escaped as the dht CLI escapes values (empty: the flag is simply true). A new
//   version takes a new first word and keeps this parser.
// the original's:      "<epoch s> SET <zone>.<flag> [value]" and "<epoch s> CLEAR <zone>.<flag> "
//   (specs/audius-ods.md §B.6), no origin: the caller names the sender.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::odsrpcsync {

enum class Op { set, clear };

struct Update {
  std::string origin;      // the node where the change happened
  std::uint64_t ts_ns = 0; // when (the file's mtime; a removal: when it was seen)
  Op op = Op::set;
  std::string name;  // "<zone>.<flag>"
  std::string value; // set: the string ("" = true); clear: empty

  bool operator==(const Update&) const = default;
};

// Longest flag value accepted (ods-rpc writes epochs, TTLs and short reasons).
inline constexpr std::size_t max_value = 4096;

// True for a node id: 1-64 of [A-Za-z0-9._-].
bool valid_node_id(std::string_view id);

std::string encode_update(const Update& u);

// Parses one line of shoal's form (with or without its newline); Errc::bad_data saying what
// is wrong: the version, a field, the node id, the flag name, the value's escaping or size.
core::Result<Update> parse_update(std::string_view line);

// Parses a message of one or more such lines, each ending in '\n' (the last may lack it): all
// of them, or the error of the first bad one ("line N: ...").
core::Result<std::vector<Update>> parse_updates(std::string_view body);

// The original's text for u (seconds, no origin).
std::string encode_legacy(const Update& u);

// Parses the original's text; origin is who sent it.
core::Result<Update> parse_legacy(std::string_view text, std::string_view origin);

} // namespace shoal::odsrpcsync
