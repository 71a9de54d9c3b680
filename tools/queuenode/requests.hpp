// The queue node's command table (specs/swarm.md §4.4): one handler per request.
#pragma once

#include "proto/queue_request.hpp"

#include <string_view>

namespace shoal::queuenode {

class Session;

// Handles one complete request; views in request stay valid only during the call.
void dispatch(Session& session, const proto::QueueRequest& request);

// The status of a request whose value was too large to read (it is skipped): the checks
// before the value come first (channel names), then ValueTooBig.
proto::StatusCode oversize_status(const proto::QueueRequest& request);

// True for the requests that occupy the connection with a stream (Consume, Produce*).
bool starts_stream(proto::QueueCommand command);

// Pushes value into channel for a Produce stream (no reply; failures are counted and logged).
void push_record(Session& session, std::string_view channel, std::string_view value);

} // namespace shoal::queuenode
