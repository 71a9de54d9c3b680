// Responses of the legacy swarm queue protocol (specs/swarm.md §4.4): the same shapes as the
// DHT's (proto::Response), mapped from the queue's command codes.
#pragma once

#include "proto/queue_codes.hpp"
#include "proto/response.hpp"

#include <string>
#include <string_view>

namespace shoal::proto {

// The shape of the answer to a queue command: Pop, GetVersion and GetStats answer a value;
// GetChannels a list; GetChannelSize and GetSize a size; GetSizeLimit a limit;
// GetNumConnections a connection count; the others (Consume and Produce included: their
// streams follow the status separately) the status only.
ResponseShape response_shape(QueueCommand command);

// Appends the response to command: the status, then (only when it is Ok) its fields.
void encode_response(QueueCommand command, const Response& response, std::string& out);

// Decodes the response to command from the front of input into out; for Consume this is the
// status only: read the values with read_array afterwards (an empty one ends the stream).
ReadResult read_response(QueueCommand command,
                         std::string_view input,
                         const ReadLimits& limits,
                         Response& out);

} // namespace shoal::proto
