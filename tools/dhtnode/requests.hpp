// The command table: one handler per legacy request (specs/swarm.md §1.3). Handlers check in
// the original's order, answer through Session::reply, and may start a streaming reply.
#pragma once

#include "proto/request.hpp"

namespace shoal::dhtnode {

class Session;

// Handles one complete request. Views in request stay valid only during the call.
void dispatch(Session& session, const proto::Request& request);

// The status to send for a request whose value was too large to read (it is skipped):
// the checks before the value (channel name, key, range) come first, then ValueTooBig.
proto::StatusCode oversize_status(Session& session, const proto::Request& request);

// Handlers, grouped by file: requests_records.cpp (single records), requests_info.cpp
// (node and channel information), requests_streams.cpp (GetAll*, Listen),
// requests_batch.cpp (PutBatch), redistribute.cpp.
void handle_put(Session& session, const proto::Request& request);
void handle_get(Session& session, const proto::Request& request);
void handle_exists(Session& session, const proto::Request& request);
void handle_remove(Session& session, const proto::Request& request);
void handle_get_channels(Session& session, const proto::Request& request);
void handle_get_channel_size(Session& session, const proto::Request& request);
void handle_get_size(Session& session, const proto::Request& request);
void handle_get_responsible_range(Session& session, const proto::Request& request);
void handle_remove_channel(Session& session, const proto::Request& request);
void handle_get_num_connections(Session& session, const proto::Request& request);
void handle_get_version(Session& session, const proto::Request& request);
void handle_get_stats(Session& session, const proto::Request& request);
void handle_listen(Session& session, const proto::Request& request);
void handle_get_all(Session& session, const proto::Request& request);
void handle_put_batch(Session& session, const proto::Request& request);
void handle_redistribute(Session& session, const proto::Request& request);

} // namespace shoal::dhtnode
