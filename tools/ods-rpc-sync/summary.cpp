// Summary messages: encoding in parts, checked parsing, gathering the parts, and the
// comparison that tells each node what to send the other.
#include "summary.hpp"

#include "flag_name.hpp"
#include "text_fields.hpp"
#include "update.hpp"

#include "core/hex.hpp"

namespace shoal::odsrpcsync {

namespace {

core::Error
bad(std::string what)
{
  return core::make_error(core::Errc::bad_data, "bad summary: " + std::move(what));
}

std::string
header(std::string_view from, std::uint64_t id, std::size_t part, std::size_t parts, bool reply)
{
  return std::string(wire_magic) + ' ' + std::string(from) + " 0 SUMMARY " + std::to_string(id) +
         ' ' + std::to_string(part) + ' ' + std::to_string(parts) + ' ' + (reply ? "1" : "0") +
         '\n';
}

core::Status
parse_header(std::string_view line, SummaryPart& out)
{
  auto f = split_fields(line, 9);
  std::uint64_t ts = 0, part = 0, parts = 0;
  if (f.size() != 8 || f[0] != wire_magic || f[3] != "SUMMARY")
    return bad("not an ods-rpc-sync/1 SUMMARY header");
  if (!valid_node_id(f[1]))
    return bad("invalid node id");
  if (!parse_u64(f[2], ts) || !parse_u64(f[4], out.id) || !parse_u64(f[5], part) ||
      !parse_u64(f[6], parts))
    return bad("invalid number in the header");
  if (parts == 0 || parts > max_summary_parts || part == 0 || part > parts)
    return bad("part " + std::to_string(part) + " of " + std::to_string(parts));
  if (f[7] != "0" && f[7] != "1")
    return bad("reply must be 0 or 1");
  out.from = f[1];
  out.part = part;
  out.parts = parts;
  out.want_reply = f[7] == "1";
  return {};
}

core::Status
parse_entry(std::string_view line, SummaryPart& out)
{
  auto f = split_fields(line, 4);
  VersionId v;
  if (f.size() != 3 || !valid_flag_name(f[0]) || !parse_u64(f[1], v.ts_ns) || !valid_node_id(f[2]))
    return bad("invalid entry \"" + core::escape(line.substr(0, 80)) + "\"");
  if (out.entries.size() >= summary_part_entries)
    return bad("more than " + std::to_string(summary_part_entries) + " entries in a part");
  v.origin = f[2];
  out.entries.emplace_back(std::string(f[0]), std::move(v));
  return {};
}

} // namespace

std::vector<std::string>
encode_summary(std::string_view from, std::uint64_t id, bool want_reply, const FlagMap& flags)
{
  std::size_t parts =
      std::max<std::size_t>(1, (flags.size() + summary_part_entries - 1) / summary_part_entries);
  std::vector<std::string> out;
  auto it = flags.begin();
  for (std::size_t part = 1; part <= parts; ++part) {
    std::string body = header(from, id, part, parts, want_reply);
    for (std::size_t n = 0; n < summary_part_entries && it != flags.end(); ++n, ++it)
      body += it->first + ' ' + std::to_string(it->second.ts_ns) + ' ' + it->second.origin + '\n';
    out.push_back(std::move(body));
  }
  return out;
}

bool
is_summary(std::string_view body)
{
  auto line = body.substr(0, body.find('\n'));
  auto f = split_fields(line, 5);
  return f.size() == 5 && f[0] == wire_magic && f[3] == "SUMMARY";
}

core::Result<SummaryPart>
parse_summary(std::string_view body)
{
  SummaryPart out;
  auto eol = body.find('\n');
  if (eol == std::string_view::npos)
    return bad("no header line");
  SHOAL_TRY(parse_header(body.substr(0, eol), out));
  body.remove_prefix(eol + 1);
  while (!body.empty()) {
    eol = body.find('\n');
    if (eol == std::string_view::npos)
      return bad("the last entry has no newline");
    SHOAL_TRY(parse_entry(body.substr(0, eol), out));
    body.remove_prefix(eol + 1);
  }
  return out;
}

std::optional<SummaryPart>
SummaryCollector::add(SummaryPart part, std::uint64_t now_ms)
{
  if (part.parts == 1)
    return part;
  auto key = std::make_pair(part.from, part.id);
  auto [it, fresh] = m_pending.try_emplace(key);
  Pending& p = it->second;
  if (fresh) {
    p.seen.assign(part.parts, false);
    p.missing = part.parts;
    p.started_ms = now_ms;
    p.whole.from = part.from;
    p.whole.id = part.id;
    p.whole.parts = part.parts;
    p.whole.want_reply = part.want_reply;
  }
  if (part.parts != p.whole.parts || p.seen[part.part - 1])
    return std::nullopt; // a duplicate, or parts that do not agree: the first ones stand
  p.seen[part.part - 1] = true;
  --p.missing;
  for (auto& e : part.entries)
    p.whole.entries.push_back(std::move(e));
  if (p.missing > 0)
    return std::nullopt;
  SummaryPart whole = std::move(p.whole);
  m_pending.erase(it);
  return whole;
}

std::size_t
SummaryCollector::expire(std::uint64_t cutoff_ms)
{
  return std::erase_if(m_pending, [&](const auto& kv) { return kv.second.started_ms < cutoff_ms; });
}

SummaryDiff
compare_summary(const FlagMap& mine, const std::vector<std::pair<std::string, VersionId>>& theirs)
{
  SummaryDiff diff;
  std::map<std::string_view, const VersionId*> peer;
  for (const auto& [name, v] : theirs)
    peer.emplace(name, &v);
  for (const auto& [name, v] : mine) {
    auto it = peer.find(name);
    if (it == peer.end() || newer(v.ts_ns, v.origin, it->second->ts_ns, it->second->origin))
      diff.to_send.push_back(name);
  }
  for (const auto& [name, v] : theirs) {
    auto it = mine.find(name);
    if (it == mine.end() || newer(v.ts_ns, v.origin, it->second.ts_ns, it->second.origin)) {
      diff.peer_ahead = true;
      break;
    }
  }
  return diff;
}

} // namespace shoal::odsrpcsync
