// Summaries: what a node knows of every flag (name, version), tombstones included, as nodes
// exchange them on (re)connection to find what each lacks. Wire form, shoal's version 1, one
// message per part of at most summary_part_entries entries:
//
//   "ods-rpc-sync/1 <from> <ts_ns> SUMMARY <id> <part> <parts> <reply>\n"
//   then per flag "<name> <ts_ns> <origin>\n"
//
// id names one summary of from (parts 1..parts share it); reply 1 asks every receiver to answer
// with its own summary if it knows something from lacks. A new version takes a new first word.
#pragma once

#include "state_db.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::odsrpcsync {

inline constexpr std::size_t summary_part_entries = 500; // ~30 KB a part
inline constexpr std::size_t max_summary_parts = 10000;  // 5 M flags

// A flag's version as a summary lists it.
struct VersionId {
  std::uint64_t ts_ns = 0;
  std::string origin;
  bool operator==(const VersionId&) const = default;
};

struct SummaryPart {
  std::string from;
  std::uint64_t id = 0;
  std::size_t part = 1; // 1-based
  std::size_t parts = 1;
  bool want_reply = false;
  std::vector<std::pair<std::string, VersionId>> entries;
};

// The messages of one summary of flags, at least one (an empty summary is a part without
// entries).
std::vector<std::string>
encode_summary(std::string_view from, std::uint64_t id, bool want_reply, const FlagMap& flags);

// True when body is a summary message (its fourth word is SUMMARY).
bool is_summary(std::string_view body);

// Parses a summary part; Errc::bad_data saying what is wrong (names and node ids are checked
// as in updates).
core::Result<SummaryPart> parse_summary(std::string_view body);

// Gathers the parts of the summaries that arrive; a summary is complete when all its parts
// have come. Parts of a summary that does not complete within the caller's patience are
// dropped by expire().
class SummaryCollector
{
public:
  // Adds a part; returns the whole summary (its entries, its want_reply) once complete.
  std::optional<SummaryPart> add(SummaryPart part, std::uint64_t now_ms);
  // Forgets summaries begun before cutoff_ms; returns how many.
  std::size_t expire(std::uint64_t cutoff_ms);

private:
  struct Pending {
    SummaryPart whole;
    std::vector<bool> seen;
    std::size_t missing = 0;
    std::uint64_t started_ms = 0;
  };
  std::map<std::pair<std::string, std::uint64_t>, Pending> m_pending;
};

// What a summary from a peer means for this node: the flags it should send the peer (its
// version is newer, or the peer does not know the flag), and whether the peer knows something
// this node lacks (then a summary of this node, if the peer asked, lets the peer send it).
struct SummaryDiff {
  std::vector<std::string> to_send;
  bool peer_ahead = false;
};
SummaryDiff compare_summary(const FlagMap& mine,
                            const std::vector<std::pair<std::string, VersionId>>& theirs);

} // namespace shoal::odsrpcsync
