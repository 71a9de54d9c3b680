// Names of the queue command codes and the SUBSCRIBER@CHANNEL syntax.
#include "proto/queue_codes.hpp"

#include "proto/codes.hpp"

namespace shoal::proto {

bool
known_queue_command(std::int32_t code)
{
  return queue_command_name(static_cast<QueueCommand>(code)) != "Unknown";
}

std::string_view
queue_command_name(QueueCommand command)
{
  switch (command) {
  case QueueCommand::push: return "Push";
  case QueueCommand::pop: return "Pop";
  case QueueCommand::get_channels: return "GetChannels";
  case QueueCommand::get_channel_size: return "GetChannelSize";
  case QueueCommand::get_size: return "GetSize";
  case QueueCommand::consume: return "Consume";
  case QueueCommand::get_size_limit: return "GetSizeLimit";
  case QueueCommand::get_num_connections: return "GetNumConnections";
  case QueueCommand::push_multi: return "PushMulti";
  case QueueCommand::produce: return "Produce";
  case QueueCommand::produce_multi: return "ProduceMulti";
  case QueueCommand::remove_channel: return "RemoveChannel";
  case QueueCommand::get_version: return "GetVersion";
  case QueueCommand::get_stats: return "GetStats";
  }
  return "Unknown";
}

std::optional<ConsumeTarget>
parse_consume_target(std::string_view text)
{
  ConsumeTarget target{{}, text};
  if (std::size_t at = text.find(subscriber_separator); at != std::string_view::npos) {
    target.subscriber = text.substr(0, at);
    target.channel = text.substr(at + 1);
    if (!valid_channel_name(target.subscriber))
      return std::nullopt;
  }
  if (!valid_channel_name(target.channel))
    return std::nullopt;
  return target;
}

std::string
consume_target(std::string_view subscriber, std::string_view channel)
{
  std::string out;
  if (!subscriber.empty()) {
    out += subscriber;
    out += subscriber_separator;
  }
  out += channel;
  return out;
}

} // namespace shoal::proto
