// Operand checks and record lines.
#include "records.hpp"

#include "core/hex.hpp"
#include "proto/codes.hpp"

namespace shoal::queue {

namespace {
core::Status
check_name(std::string_view what, std::string_view name)
{
  if (proto::valid_channel_name(name))
    return {};
  return core::make_error(core::Errc::usage, "bad " + std::string(what) + " name '" +
                                                 std::string(name) + "': use 1-" +
                                                 std::to_string(proto::max_channel_name) +
                                                 " letters, digits, '_' and '-'");
}
} // namespace

core::Status
check_channel(std::string_view channel)
{
  return check_name("channel", channel);
}

core::Status
check_subscriber(std::string_view subscriber)
{
  return check_name("subscriber", subscriber);
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
