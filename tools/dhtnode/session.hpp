// Session: one client connection to a dhtnode: the shared swarm session (authentication,
// pipelining, oversized values, streams) with the DHT codec and command table.
#pragma once

#include "server/swarm_session.hpp"

#include "proto/request.hpp"
#include "proto/response.hpp"

namespace shoal::dhtnode {

class Node;

class Session : public server::SwarmSession
{
public:
  Session(Node& node, net::Connection& conn);

  Node& node() { return m_node; }
  // Appends a response (status and, when Ok, the command's fields) and counts errors.
  void reply(proto::Command command, const proto::Response& response);

protected:
  proto::DecodeResult handle_next(std::string_view input) override;

private:
  Node& m_node;
  proto::Request m_request; // reused to keep its vector's capacity
};

} // namespace shoal::dhtnode
