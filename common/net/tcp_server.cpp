// TcpServer: listen, accept with a connection limit, and track connections to close them.
#include "net/tcp_server.hpp"

#include "core/log.hpp"

#include <vector>

namespace shoal::net {

struct TcpServer::Listener {
  uv_tcp_t handle{};
  TcpServer* server = nullptr;
};

TcpServer::TcpServer(Loop& loop, Factory factory, ConnectionLimits limits)
    : m_loop(loop), m_factory(std::move(factory)), m_limits(limits)
{
}

TcpServer::~TcpServer()
{
  stop_listening();
  close_all();
}

core::Result<Endpoint>
TcpServer::listen(const Endpoint& at, int backlog)
{
  auto addr = to_sockaddr(at);
  if (!addr)
    return addr.take_error();
  m_listener = new Listener;
  m_listener->server = this;
  uv_tcp_init(m_loop.get(), &m_listener->handle);
  m_listener->handle.data = m_listener;
  auto fail = [&](const char* what, int rc) {
    stop_listening();
    return core::make_error(core::Errc::unavailable,
                            std::string(what) + " " + at.str() + ": " + uv_strerror(rc));
  };
  if (int rc = uv_tcp_bind(&m_listener->handle, reinterpret_cast<const sockaddr*>(&*addr), 0))
    return fail("cannot bind", rc);
  int rc = uv_listen(reinterpret_cast<uv_stream_t*>(&m_listener->handle), backlog,
                     [](uv_stream_t* s, int status) {
                       auto* l = static_cast<Listener*>(s->data);
                       if (status == 0 && l->server)
                         l->server->on_connection();
                     });
  if (rc != 0)
    return fail("cannot listen on", rc);
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&m_listener->handle, reinterpret_cast<sockaddr*>(&bound), &len);
  Endpoint result = from_sockaddr(bound);
  result.host = at.host; // keep the operator's spelling (e.g. localhost)
  return result;
}

void
TcpServer::stop_listening()
{
  if (!m_listener)
    return;
  m_listener->server = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&m_listener->handle),
           [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
  m_listener = nullptr;
}

void
TcpServer::close_all()
{
  auto all = std::move(m_connections);
  m_connections.clear();
  for (Connection* c : all)
    c->close();
}

void
TcpServer::for_each(const std::function<void(Connection&)>& fn)
{
  // Copy: fn may close connections, which removes them from the set.
  std::vector<Connection*> all(m_connections.begin(), m_connections.end());
  for (Connection* c : all)
    if (m_connections.count(c))
      fn(*c);
}

std::uint64_t
TcpServer::bytes_received() const
{
  std::uint64_t n = m_closed_received;
  for (const Connection* c : m_connections)
    n += c->bytes_received();
  return n;
}

std::uint64_t
TcpServer::bytes_sent() const
{
  std::uint64_t n = m_closed_sent;
  for (const Connection* c : m_connections)
    n += c->bytes_sent();
  return n;
}

void
TcpServer::on_connection()
{
  Connection* conn =
      Connection::accept(reinterpret_cast<uv_stream_t*>(&m_listener->handle), m_limits);
  if (!conn)
    return;
  ++m_accepted;
  if (m_connection_limit && m_connections.size() >= m_connection_limit) {
    core::log_warn("refusing connection from {}: {} connections open (the limit)",
                   conn->peer().str(), m_connections.size());
    conn->close();
    return;
  }
  std::unique_ptr<StreamHandler> handler;
  try {
    handler = m_factory(*conn);
  } catch (const std::exception& e) {
    core::log_error("cannot set up connection from {}: {}", conn->peer().str(), e.what());
  }
  if (!handler) {
    conn->close();
    return;
  }
  m_connections.insert(conn);
  conn->set_close_hook([this](Connection& c) {
    m_closed_received += c.bytes_received();
    m_closed_sent += c.bytes_sent();
    m_connections.erase(&c);
  });
  conn->start(std::move(handler));
}

} // namespace shoal::net
