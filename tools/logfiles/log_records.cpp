// Record lines.
#include "log_records.hpp"

#include "cli/check_name.hpp"
#include "core/hex.hpp"

namespace shoal::logfiles {

core::Status
parse_value_line(std::string_view line, std::string& value)
{
  auto raw = core::unescape(line);
  if (!raw)
    return core::make_error(core::Errc::bad_data, "bad escape sequence in the value");
  if (raw->empty())
    return core::make_error(core::Errc::bad_data, "empty value (the nodes refuse empty values)");
  value = std::move(*raw);
  return {};
}

core::Status
parse_record_line(std::string_view line, std::uint64_t& key, std::string& value)
{
  std::size_t tab = line.find('\t');
  if (tab == std::string_view::npos)
    return core::make_error(core::Errc::bad_data, "expected TIMESTAMP<TAB>VALUE");
  auto parsed = parse_timestamp(line.substr(0, tab));
  if (!parsed)
    return parsed.error();
  key = *parsed;
  return parse_value_line(line.substr(tab + 1), value);
}

void
append_record(std::string& out, std::uint64_t key, std::string_view value, KeyFormat format)
{
  append_timestamp(out, key, format);
  out += '\t';
  out += core::escape(value);
  out += '\n';
}

core::Status
check_channel(std::string_view channel)
{
  return cli::check_name("channel", channel);
}

} // namespace shoal::logfiles
