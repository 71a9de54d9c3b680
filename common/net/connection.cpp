// Connection: reading into a bounded buffer, coalesced writes, back-pressure and closing.
#include "net/connection.hpp"

#include "core/log.hpp"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

namespace shoal::net {

namespace {
constexpr std::size_t read_chunk = 64 * 1024;

struct WriteRequest {
  uv_write_t req{};
  std::string data;
};

Connection*
self(uv_handle_t* h)
{
  return static_cast<Connection*>(h->data);
}
} // namespace

Connection::Connection(ConnectionLimits limits) : m_limits(limits) {}

Connection*
Connection::connect(Loop& loop,
                    const Endpoint& to,
                    StreamHandler* handler,
                    ConnectCallback on_connected,
                    ConnectionLimits limits)
{
  auto addr = to_sockaddr(to);
  auto* conn = new Connection(limits);
  uv_tcp_init(loop.get(), &conn->m_tcp);
  conn->m_tcp.data = conn;
  conn->m_handler = handler;
  conn->m_peer = to;
  conn->m_on_connected = std::move(on_connected);
  conn->m_connect_req.data = conn;
  int rc = addr ? uv_tcp_connect(&conn->m_connect_req, &conn->m_tcp,
                                 reinterpret_cast<const sockaddr*>(&*addr),
                                 [](uv_connect_t* req, int status) {
                                   auto* c = static_cast<Connection*>(req->data);
                                   if (c->m_state == State::closed)
                                     return; // closed by its owner meanwhile
                                   auto cb = std::move(c->m_on_connected);
                                   if (status != 0) {
                                     c->m_notify_close = false;
                                     c->do_close();
                                     cb(core::make_error(core::Errc::unavailable,
                                                         "cannot connect to " + c->m_peer.str() +
                                                             ": " + uv_strerror(status)));
                                     return;
                                   }
                                   c->m_state = State::open;
                                   c->set_socket_options();
                                   c->begin_reading();
                                   cb({});
                                 })
                : UV_EINVAL;
  if (rc != 0) {
    // libuv's contract: the connect callback will not run; report asynchronously-safe now.
    conn->m_notify_close = false;
    conn->do_close();
    auto cb = std::move(conn->m_on_connected);
    cb(core::make_error(core::Errc::unavailable,
                        "cannot connect to " + to.str() + ": " + uv_strerror(rc)));
  }
  return conn;
}

Connection*
Connection::accept(uv_stream_t* server, ConnectionLimits limits)
{
  auto* conn = new Connection(limits);
  uv_tcp_init(server->loop, &conn->m_tcp);
  conn->m_tcp.data = conn;
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&conn->m_tcp)) != 0) {
    conn->m_notify_close = false;
    conn->do_close();
    return nullptr;
  }
  conn->m_state = State::open;
  sockaddr_storage addr{};
  int len = sizeof addr;
  if (uv_tcp_getpeername(&conn->m_tcp, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    conn->m_peer = from_sockaddr(addr);
  conn->set_socket_options();
  return conn;
}

void
Connection::set_socket_options()
{
  uv_tcp_nodelay(&m_tcp, 1);
  uv_os_fd_t fd{};
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&m_tcp), &fd) != 0)
    return;
  // Keepalive 5 s idle, 3 probes 3 s apart (swarm nodes): dead peers are noticed in ~15 s.
  int on = 1, idle = 5, interval = 3, count = 3;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

void
Connection::start(std::unique_ptr<StreamHandler> handler)
{
  m_owned_handler = std::move(handler);
  start(m_owned_handler.get());
}

void
Connection::start(StreamHandler* handler)
{
  m_handler = handler;
  begin_reading();
}

void
Connection::begin_reading()
{
  if (m_reading || m_held || m_state != State::open)
    return;
  m_reading = true;
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&m_tcp),
      [](uv_handle_t* h, std::size_t, uv_buf_t* buf) {
        std::size_t space = 0;
        buf->base = self(h)->m_in.prepare(read_chunk, space);
        buf->len = space;
      },
      [](uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
        self(reinterpret_cast<uv_handle_t*>(s))->on_read(nread);
      });
}

void
Connection::on_read(ssize_t nread)
{
  if (nread == 0)
    return; // EAGAIN
  if (nread < 0) {
    fail();
    return;
  }
  m_in.commit(static_cast<std::size_t>(nread));
  m_bytes_in += static_cast<std::uint64_t>(nread);
  deliver_data();
  if (m_state != State::open)
    return;
  if (m_in.size() >= m_limits.max_input) {
    core::log_warn("closing connection from {}: more than {} bytes of unparsed input", m_peer.str(),
                   m_limits.max_input);
    fail();
    return;
  }
  flush();
}

void
Connection::deliver_data()
{
  try {
    m_handler->on_data(*this);
  } catch (const std::exception& e) {
    core::log_error("closing connection from {}: {}", m_peer.str(), e.what());
    fail();
  }
}

void
Connection::flush()
{
  if (m_out.empty() || m_state == State::closed)
    return;
  // Most replies fit in the socket buffer: write them at once. Besides a request allocation,
  // this spares the epoll_ctl() libuv makes after every queued write completes (about 7 % of
  // a busy server's time). A streaming reply that waits for on_drain goes through the queue,
  // whose completion callback is what calls on_drain.
  if (m_in_flight == 0 && !m_want_drain && !try_write())
    return;
  if (m_out.empty())
    return;
  auto* w = new WriteRequest;
  w->data.swap(m_out);
  w->req.data = this;
  uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  m_in_flight += w->data.size();
  int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&m_tcp), &buf, 1,
                    [](uv_write_t* req, int status) {
                      auto* wr = reinterpret_cast<WriteRequest*>(req);
                      auto* c = static_cast<Connection*>(req->data);
                      std::size_t n = wr->data.size();
                      delete wr;
                      c->on_written(n, status);
                    });
  if (rc != 0) {
    m_in_flight -= w->data.size();
    delete w;
    fail();
    return;
  }
  update_flow();
}

bool
Connection::try_write()
{
  uv_buf_t buf = uv_buf_init(m_out.data(), static_cast<unsigned>(m_out.size()));
  int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&m_tcp), &buf, 1);
  if (n == UV_EAGAIN)
    return true; // the socket is full: queue it all
  if (n < 0) {
    fail();
    return false;
  }
  m_bytes_out += static_cast<std::uint64_t>(n);
  m_out.erase(0, static_cast<std::size_t>(n)); // what is left (if anything) gets queued
  return true;
}

void
Connection::on_written(std::size_t bytes, int status)
{
  m_in_flight -= bytes;
  if (m_state == State::closed)
    return;
  if (status != 0) {
    fail();
    return;
  }
  m_bytes_out += bytes;
  if (m_state == State::draining) {
    if (m_in_flight == 0 && m_out.empty())
      do_close();
    return;
  }
  bool resumed = update_flow();
  if (m_want_drain && queued_bytes() < m_limits.write_low_water) {
    m_want_drain = false;
    m_handler->on_drain(*this);
  }
  if (resumed && m_state == State::open && !m_in.empty())
    deliver_data(); // requests that waited while the queue was full
  if (m_state == State::open)
    flush();
}

std::size_t
Connection::queued_bytes() const
{
  return m_in_flight + m_out.size();
}

std::size_t
Connection::backlog_bytes() const
{
  std::size_t bytes = queued_bytes();
  uv_os_fd_t fd = -1;
  int in_kernel = 0;
  if (uv_fileno(reinterpret_cast<const uv_handle_t*>(&m_tcp), &fd) == 0 &&
      ::ioctl(fd, SIOCOUTQ, &in_kernel) == 0 && in_kernel > 0)
    bytes += static_cast<std::size_t>(in_kernel);
  return bytes;
}

bool
Connection::update_flow()
{
  auto* stream = reinterpret_cast<uv_stream_t*>(&m_tcp);
  if (m_reading && queued_bytes() >= m_limits.write_high_water) {
    uv_read_stop(stream); // back-pressure: a slow reader stops us reading its requests
    m_reading = false;
  } else if (!m_reading && !m_held && queued_bytes() < m_limits.write_low_water && m_handler) {
    begin_reading();
    return true;
  }
  return false;
}

void
Connection::hold_input(bool held)
{
  m_held = held;
  if (held && m_reading) {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&m_tcp));
    m_reading = false;
  } else if (!held && m_state == State::open) {
    update_flow();
  }
}

void
Connection::fail()
{
  if (m_state == State::closed)
    return;
  bool notify = m_notify_close;
  m_notify_close = false;
  do_close();
  if (notify && m_handler)
    m_handler->on_close(*this);
}

void
Connection::close()
{
  m_notify_close = false;
  do_close();
}

void
Connection::close_after_flush()
{
  if (m_state != State::open)
    return;
  m_notify_close = false;
  flush();
  if (m_state != State::open)
    return;
  m_state = State::draining;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&m_tcp));
  m_reading = false;
  if (m_in_flight == 0)
    do_close();
}

void
Connection::do_close()
{
  if (m_state == State::closed)
    return;
  m_state = State::closed;
  if (m_close_hook) {
    auto hook = std::move(m_close_hook);
    hook(*this);
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&m_tcp), [](uv_handle_t* h) { delete self(h); });
}

} // namespace shoal::net
