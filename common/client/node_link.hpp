// NodeLink: the connections a client keeps to one node, whatever the node's protocol: one
// shared session for pipelined single requests (opened on first use) and one session per
// stream, closed when the stream ends. NodeClient (DHT) and QueueNodeClient build on it.
#pragma once

#include "client/node_options.hpp"
#include "client/pending.hpp"
#include "client/reply.hpp"
#include "client/session.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>

namespace shoal::client {

// Destroying the link closes every session and drops outstanding callbacks unrun; it must be
// destroyed before its Loop.
class NodeLink
{
public:
  NodeLink(net::Loop& loop, net::Endpoint node, NodeClientOptions opts);
  NodeLink(const NodeLink&) = delete;
  NodeLink& operator=(const NodeLink&) = delete;
  ~NodeLink();

  // The loop, the node and the options given to the constructor.
  net::Loop& loop() { return m_loop; }
  const net::Endpoint& endpoint() const { return m_endpoint; }
  const NodeClientOptions& options() const { return m_opts; }

  // Queues a single request on the shared session (answered in order, within the request
  // timeout).
  void submit(std::unique_ptr<Pending> pending);
  // Starts a stream on a session of its own; idle_timeout_ms bounds the silences inside it
  // (0: none). The session closes once the stream has ended and its callback has run.
  StreamId start_stream(std::unique_ptr<Pending> pending, std::uint64_t idle_timeout_ms);
  // Ends a stream at once; none of its callbacks runs afterwards. Unknown ids are ignored.
  void cancel(StreamId id);

  // Single requests not answered yet.
  std::size_t pending_requests() const { return m_main ? m_main->pending() : 0; }
  // Streams running.
  std::size_t streams() const { return m_streams.size(); }

private:
  net::Loop& m_loop;
  net::Endpoint m_endpoint;
  NodeClientOptions m_opts;
  std::shared_ptr<Session> m_main;
  std::map<StreamId, std::shared_ptr<Session>> m_streams;
  StreamId m_next_stream = 1;
};

} // namespace shoal::client
