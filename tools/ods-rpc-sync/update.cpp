// Update encoding and checked parsing, in shoal's form and the original's.
#include "update.hpp"

#include "flag_name.hpp"
#include "text_fields.hpp"

#include "core/hex.hpp"

namespace shoal::odsrpcsync {

namespace {

core::Error
bad(std::string what)
{
  return core::make_error(core::Errc::bad_data, "bad update: " + std::move(what));
}

core::Status
check_target(const Update& u)
{
  if (!valid_flag_name(u.name))
    return bad("invalid flag name \"" + core::escape(u.name.substr(0, 80)) + "\"");
  if (u.value.size() > max_value)
    return bad("value of " + std::to_string(u.value.size()) + " bytes");
  if (u.value.find('\n') != std::string::npos)
    return bad("a newline in the value"); // the flag file holds one line
  return {};
}

} // namespace

bool
valid_node_id(std::string_view id)
{
  if (id.empty() || id.size() > 64)
    return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return false;
  return true;
}

std::string
encode_update(const Update& u)
{
  std::string out = std::string(wire_magic) + ' ' + u.origin + ' ' + std::to_string(u.ts_ns) + ' ';
  if (u.op == Op::set)
    out += "SET " + u.name + ' ' + core::escape(u.value);
  else
    out += "CLEAR " + u.name;
  out += '\n';
  return out;
}

core::Result<Update>
parse_update(std::string_view line)
{
  if (!line.empty() && line.back() == '\n')
    line.remove_suffix(1);
  auto f = split_fields(line, 6);
  if (f.size() < 5 || f[0] != wire_magic)
    return bad("not an ods-rpc-sync/1 line");
  Update u;
  if (!valid_node_id(f[1]))
    return bad("invalid node id");
  u.origin = f[1];
  if (!parse_u64(f[2], u.ts_ns))
    return bad("invalid timestamp");
  if (f[3] == "SET" && f.size() == 6) {
    auto value = core::unescape(f[5]);
    if (!value)
      return bad("bad escape sequence in the value");
    u.value = std::move(*value);
  } else if (f[3] == "CLEAR" && f.size() == 5) {
    u.op = Op::clear;
  } else {
    return bad("expected SET NAME VALUE or CLEAR NAME");
  }
  u.name = f[4];
  if (auto ok = check_target(u); !ok)
    return ok.error();
  return u;
}

core::Result<std::vector<Update>>
parse_updates(std::string_view body)
{
  std::vector<Update> out;
  do {
    std::size_t end = body.find('\n');
    std::string_view line = body.substr(0, end);
    body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
    auto u = parse_update(line);
    if (!u)
      return bad("line " + std::to_string(out.size() + 1) + ": " + u.error().message);
    out.push_back(std::move(*u));
  } while (!body.empty());
  return out;
}

std::string
encode_legacy(const Update& u)
{
  std::string out = std::to_string(u.ts_ns / 1'000'000'000) + ' ';
  if (u.op == Op::clear)
    return out + "CLEAR " + u.name + ' ';
  out += "SET " + u.name + ' ';
  if (!u.value.empty())
    out += u.value + '\n';
  return out;
}

core::Result<Update>
parse_legacy(std::string_view text, std::string_view origin)
{
  auto f = split_fields(text, 4); // the original's split(' ', 3)
  if (f.size() < 3)
    return bad("expected \"<epoch> SET|CLEAR <zone>.<flag> [value]\"");
  Update u;
  u.origin = origin;
  std::uint64_t seconds = 0;
  if (!parse_u64(f[0], seconds) || seconds > 18'000'000'000ULL)
    return bad("invalid epoch");
  u.ts_ns = seconds * 1'000'000'000ULL;
  u.name = f[2];
  std::string_view rest = f.size() == 4 ? f[3] : std::string_view{};
  if (f[1] == "SET") {
    if (!rest.empty() && rest.back() == '\n')
      rest.remove_suffix(1);
    u.value = rest;
  } else if (f[1] == "CLEAR") {
    u.op = Op::clear;
  } else {
    return bad("expected SET or CLEAR");
  }
  if (auto ok = check_target(u); !ok)
    return ok.error();
  return u;
}

} // namespace shoal::odsrpcsync
