// The command table: one handler per request of the log node (specs/swarm.md §3.5), in the
// shared kvstore codes. Handlers check in the original's order, answer through
// Session::reply (writes: Session::reply_after), and may start a streaming reply.
#pragma once

#include "proto/request.hpp"

namespace shoal::logfilesnode {

class Session;

// Handles one complete request. Views in request stay valid only during the call.
void dispatch(Session& session, const proto::Request& request);

// The status for a request whose value was too large to read (it is skipped): the checks
// before the value (channel name, key) come first, then ValueTooBig.
proto::StatusCode oversize_status(const proto::Request& request);

// Handlers, grouped by file: requests_write.cpp (Put, PutDup, PutBatch), requests_read.cpp
// (GetRange*, GetAll*), requests_info.cpp (node and channel information, RemoveChannel).
void handle_put(Session& session, const proto::Request& request);
void handle_put_batch(Session& session, const proto::Request& request);
void handle_get_range(Session& session, const proto::Request& request);
void handle_get_all(Session& session, const proto::Request& request);
void handle_get_channels(Session& session, const proto::Request& request);
void handle_get_channel_size(Session& session, const proto::Request& request);
void handle_get_size(Session& session, const proto::Request& request);
void handle_get_responsible_range(Session& session, const proto::Request& request);
void handle_remove_channel(Session& session, const proto::Request& request);
void handle_get_num_connections(Session& session, const proto::Request& request);
void handle_get_version(Session& session, const proto::Request& request);
void handle_get_stats(Session& session, const proto::Request& request);

} // namespace shoal::logfilesnode
