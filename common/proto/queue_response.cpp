// The queue commands' response shapes.
#include "proto/queue_response.hpp"

namespace shoal::proto {

ResponseShape
response_shape(QueueCommand command)
{
  switch (command) {
  case QueueCommand::pop:
  case QueueCommand::get_version:
  case QueueCommand::get_stats: return ResponseShape::value;
  case QueueCommand::get_channels: return ResponseShape::channels;
  case QueueCommand::get_channel_size:
  case QueueCommand::get_size: return ResponseShape::size;
  case QueueCommand::get_size_limit: return ResponseShape::limit;
  case QueueCommand::get_num_connections: return ResponseShape::connections;
  case QueueCommand::push:
  case QueueCommand::push_multi:
  case QueueCommand::remove_channel:
  case QueueCommand::consume: // streams: the values follow the status separately
  case QueueCommand::produce:
  case QueueCommand::produce_multi: return ResponseShape::status_only;
  }
  return ResponseShape::status_only;
}

void
encode_response(QueueCommand command, const Response& response, std::string& out)
{
  encode_response(response_shape(command), response, out);
}

ReadResult
read_response(QueueCommand command, std::string_view input, const ReadLimits& limits, Response& out)
{
  return read_response(response_shape(command), input, limits, out);
}

} // namespace shoal::proto
