// Queue names: parsing and validation of "<subscriber>@<channel>".
#include "queue_name.hpp"

#include "proto/codes.hpp"

namespace shoal::queuenode {

std::string
QueueName::full() const
{
  return subscriber.empty() ? channel : subscriber + "@" + channel;
}

std::optional<QueueName>
QueueName::parse(std::string_view full)
{
  if (full.size() > max_queue_name)
    return std::nullopt;
  QueueName name;
  auto at = full.find('@');
  std::string_view channel = at == std::string_view::npos ? full : full.substr(at + 1);
  std::string_view subscriber = at == std::string_view::npos ? "" : full.substr(0, at);
  if (!proto::valid_channel_name(channel))
    return std::nullopt;
  if (!subscriber.empty() && !proto::valid_channel_name(subscriber))
    return std::nullopt;
  name.channel = channel;
  name.subscriber = subscriber;
  return name;
}

} // namespace shoal::queuenode
