// Session: one client connection to the node. Authenticates (when the node has credentials),
// decodes pipelined requests, dispatches them through the command table, skips oversized
// values, and runs at most one streaming reply at a time.
#pragma once

#include "stream.hpp"

#include "net/connection.hpp"
#include "proto/auth.hpp"
#include "proto/request.hpp"
#include "proto/response.hpp"

#include <memory>
#include <optional>

namespace shoal::dhtnode {

class Node;

class Session : public net::StreamHandler
{
public:
  Session(Node& node, net::Connection& conn);
  ~Session() override;

  void on_data(net::Connection& conn) override;
  void on_drain(net::Connection& conn) override;

  Node& node() { return m_node; }
  net::Connection& conn() { return m_conn; }

  // Appends a response (status and, when Ok, the command's fields) and counts errors.
  void reply(proto::Command command, const proto::Response& response);
  // Appends a status-only response.
  void reply_status(proto::StatusCode status);
  // Starts a streaming reply; requests after it wait until it ends.
  void start_stream(std::unique_ptr<Stream> stream);
  // Writes more of the current stream (for streams fed by events, such as Listen).
  void pump_stream();

private:
  void process_input();
  bool authenticate();
  bool skip_discarded();
  bool handle_one();
  void oversize(const proto::Request& request, std::uint64_t discard);

  Node& m_node;
  net::Connection& m_conn;
  std::optional<proto::AuthServer> m_auth; // set while authentication is pending
  proto::Request m_request;                // reused to keep its vector's capacity
  std::uint64_t m_discard = 0;             // bytes of an oversized value still to skip
  proto::StatusCode m_discard_status{};    // the answer once they are skipped
  std::unique_ptr<Stream> m_stream;        // the streaming reply in progress
  bool m_processing = false;               // re-entrancy guard for process_input
};

} // namespace shoal::dhtnode
