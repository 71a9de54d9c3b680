// Operand checks and record lines.
#include "records.hpp"

#include "cli/check_name.hpp"
#include "core/hex.hpp"
#include "proto/codes.hpp"

namespace shoal::queue {

core::Status
check_channel(std::string_view channel)
{
  return cli::check_name("channel", channel);
}

core::Status
check_subscriber(std::string_view subscriber)
{
  return cli::check_name("subscriber", subscriber);
}

core::Status
parse_record_line(std::string_view line, std::string& value)
{
  auto raw = core::unescape(line);
  if (!raw)
    return core::make_error(core::Errc::bad_data, "bad escape sequence");
  if (raw->empty())
    return core::make_error(core::Errc::bad_data, "empty record (the nodes refuse empty values)");
  value = std::move(*raw);
  return {};
}

void
append_record(std::string& out, std::string_view value)
{
  out += core::escape(value);
  out += '\n';
}

} // namespace shoal::queue
