// Names and validity checks for the legacy swarm command and status codes.
#include "proto/codes.hpp"

namespace shoal::proto {

bool
valid_channel_name(std::string_view name)
{
  if (name.empty() || name.size() > max_channel_name)
    return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

bool
known_command(std::int32_t code)
{
  return command_name(static_cast<Command>(code)) != "Unknown";
}

bool
known_status(std::int32_t code)
{
  return status_name(static_cast<StatusCode>(code)) != "Unknown";
}

std::string_view
command_name(Command command)
{
  switch (command) {
  case Command::put: return "Put";
  case Command::put_dup: return "PutDup";
  case Command::get: return "Get";
  case Command::exists: return "Exists";
  case Command::remove: return "Remove";
  case Command::get_channels: return "GetChannels";
  case Command::get_channel_size: return "GetChannelSize";
  case Command::get_size: return "GetSize";
  case Command::get_responsible_range: return "GetResponsibleRange";
  case Command::remove_channel: return "RemoveChannel";
  case Command::get_num_connections: return "GetNumConnections";
  case Command::get_version: return "GetVersion";
  case Command::listen: return "Listen";
  case Command::get_all: return "GetAll";
  case Command::get_all_keys: return "GetAllKeys";
  case Command::get_all_filter: return "GetAllFilter";
  case Command::redistribute: return "Redistribute";
  case Command::put_batch: return "PutBatch";
  case Command::get_range: return "GetRange";
  case Command::get_range_filter: return "GetRangeFilter";
  case Command::log_put_batch: return "LogPutBatch";
  case Command::get_stats: return "GetStats";
  }
  return "Unknown";
}

std::string_view
status_name(StatusCode status)
{
  switch (status) {
  case StatusCode::undefined: return "Undefined";
  case StatusCode::ok: return "Ok";
  case StatusCode::invalid_request: return "InvalidRequest";
  case StatusCode::wrong_node: return "WrongNode";
  case StatusCode::not_supported: return "NotSupported";
  case StatusCode::out_of_memory: return "OutOfMemory";
  case StatusCode::empty_value: return "EmptyValue";
  case StatusCode::bad_channel_name: return "BadChannelName";
  case StatusCode::value_too_big: return "ValueTooBig";
  case StatusCode::error: return "Error";
  }
  return "Unknown";
}

} // namespace shoal::proto
