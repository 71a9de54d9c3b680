// TcpServer: a listening socket that hands each accepted connection to a handler factory.
#pragma once

#include "core/result.hpp"
#include "net/connection.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"

#include <functional>
#include <memory>
#include <unordered_set>

namespace shoal::net {

class TcpServer
{
public:
  // Makes the handler for a new connection; returning nullptr refuses (closes) it.
  using Factory = std::function<std::unique_ptr<StreamHandler>(Connection&)>;

  TcpServer(Loop& loop, Factory factory, ConnectionLimits limits = {});
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;
  // Stops listening and closes every connection.
  ~TcpServer();

  // Binds and listens; returns the bound endpoint (with the real port when port 0 was asked).
  core::Result<Endpoint> listen(const Endpoint& at, int backlog = 2048);
  // Stops accepting; existing connections stay open.
  void stop_listening();
  // Closes every open connection at once (no on_close callbacks).
  void close_all();

  // Refuse connections beyond this many open ones (0 = no limit).
  void set_connection_limit(std::size_t limit) { m_connection_limit = limit; }
  std::size_t connections() const { return m_connections.size(); }
  std::uint64_t accepted() const { return m_accepted; }
  // Bytes received from and sent to every connection so far, open or closed.
  std::uint64_t bytes_received() const;
  std::uint64_t bytes_sent() const;
  // Calls fn for every open connection.
  void for_each(const std::function<void(Connection&)>& fn);

private:
  void on_connection();

  struct Listener;
  Loop& m_loop;
  Factory m_factory;
  ConnectionLimits m_limits;
  Listener* m_listener = nullptr;
  std::unordered_set<Connection*> m_connections;
  std::size_t m_connection_limit = 0;
  std::uint64_t m_accepted = 0;
  std::uint64_t m_closed_received = 0; // bytes of connections already closed
  std::uint64_t m_closed_sent = 0;
};

} // namespace shoal::net
