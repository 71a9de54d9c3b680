// Session: connecting, authenticating, the pipelining window, in-order decoding and the
// watchdog. Every entry point from the loop holds a shared_ptr to the session, so that a
// callback that drops the last other reference (or closes it) cannot pull it from under us.
#include "client/session.hpp"

#include "proto/auth.hpp"
#include "proto/batch.hpp"

#include <ctime>

namespace shoal::client {

namespace {
// The client never stops reading because of its own output (the window bounds it), and its
// input buffer must hold the largest single answer it accepts.
net::ConnectionLimits
client_limits(const NodeClientOptions& opts)
{
  net::ConnectionLimits limits;
  std::size_t largest =
      std::max<std::size_t>(opts.limits.max_array, proto::batch_payload_bound(opts.max_batch_raw));
  limits.max_input = largest + (1 << 20);
  limits.write_high_water = SIZE_MAX;
  limits.write_low_water = opts.max_unsent_bytes;
  return limits;
}

std::string
seconds(std::uint64_t ms)
{
  return ms % 1000 ? std::to_string(ms) + " ms" : std::to_string(ms / 1000) + " s";
}
} // namespace

std::shared_ptr<Session>
Session::create(net::Loop& loop,
                net::Endpoint node,
                const NodeClientOptions& opts,
                std::uint64_t idle_timeout_ms)
{
  return std::shared_ptr<Session>(new Session(loop, std::move(node), opts, idle_timeout_ms));
}

Session::Session(net::Loop& loop,
                 net::Endpoint node,
                 const NodeClientOptions& opts,
                 std::uint64_t idle_timeout_ms)
    : m_loop(loop), m_endpoint(std::move(node)), m_name(m_endpoint.str()), m_opts(opts),
      m_idle_timeout_ms(idle_timeout_ms), m_pump_timer(loop), m_watchdog(loop)
{
}

Session::~Session()
{
  close();
}

void
Session::close()
{
  m_closed = true;
  m_pump_timer.stop();
  m_watchdog.stop();
  if (m_conn)
    m_conn->close(); // no callback runs after this
  m_conn = nullptr;
  m_state = State::idle;
}

void
Session::submit(std::unique_ptr<Pending> pending)
{
  if (m_closed)
    return;
  m_queue.push_back(std::move(pending));
  schedule_pump();
}

void
Session::schedule_pump()
{
  // Deferred to the next loop turn: a burst of submits becomes one write, and no callback
  // ever runs inside submit().
  if (m_pump_timer.active())
    return;
  std::weak_ptr<Session> weak = weak_from_this();
  m_pump_timer.start(0, 0, [weak] {
    if (auto self = weak.lock(); self && !self->m_closed)
      self->pump();
  });
}

void
Session::pump()
{
  if (m_state == State::idle) {
    if (m_sent < m_queue.size())
      connect();
    return;
  }
  if (m_state != State::ready)
    return;
  std::string& out = m_conn->output();
  while (m_sent < m_queue.size() && m_sent < m_opts.max_in_flight &&
         m_conn->queued_bytes() < m_opts.max_unsent_bytes) {
    std::string& request = m_queue[m_sent]->request();
    if (out.empty())
      out.swap(request);
    else
      out += request;
    std::string().swap(request);
    ++m_sent;
  }
  bool full = m_conn->queued_bytes() >= m_opts.max_unsent_bytes;
  if ((m_sent < m_queue.size() && m_sent < m_opts.max_in_flight) || (full && m_on_writable))
    m_conn->want_drain(); // stopped by bytes: go on in on_drain
  watch(false);
  m_conn->flush(); // may fail the connection (on_close runs and clears m_conn)
  if (!full)
    notify_writable();
}

bool
Session::write(std::string_view bytes)
{
  if (m_closed || m_state != State::ready || !m_conn || m_sent < m_queue.size())
    return false;
  m_conn->output() += bytes;
  schedule_pump();
  return true;
}

std::size_t
Session::unsent_bytes() const
{
  return m_conn ? m_conn->queued_bytes() : 0;
}

void
Session::notify_writable()
{
  if (m_on_writable && !m_closed && m_conn && unsent_bytes() < m_opts.max_unsent_bytes) {
    auto fn = m_on_writable; // a copy: it may close and release this session
    fn();
  }
}

void
Session::connect()
{
  m_state = State::connecting;
  watch(true);
  std::weak_ptr<Session> weak = weak_from_this();
  auto* conn = net::Connection::connect(
      m_loop, m_endpoint, this,
      [weak](core::Status status) {
        if (auto self = weak.lock(); self && !self->m_closed)
          self->on_connected(std::move(status));
      },
      client_limits(m_opts));
  if (m_state == State::connecting)
    m_conn = conn; // else the connection failed at once and is already gone
}

void
Session::on_connected(core::Status status)
{
  auto self = shared_from_this();
  if (!status) {
    m_conn = nullptr;
    m_state = State::idle;
    fail_all(status.error());
    return;
  }
  if (!m_opts.auth) {
    m_state = State::ready;
    watch(true);
    pump();
    return;
  }
  m_state = State::authenticating;
  m_have_nonce = false;
  m_auth_time = static_cast<std::uint64_t>(std::time(nullptr));
  proto::encode_auth_hello(m_auth_time, m_conn->output());
  watch(true);
  m_conn->flush();
}

bool
Session::authenticate(net::Connection& conn)
{
  if (!m_have_nonce) {
    crypto::Nonce nonce{};
    auto read = proto::read_auth_nonce(conn.input().view(), nonce);
    if (read.status != proto::ReadStatus::complete)
      return false;
    conn.input().consume(read.consumed);
    proto::encode_auth_proof(m_opts.auth->name, m_opts.auth->key, m_auth_time, nonce,
                             conn.output());
    m_have_nonce = true;
  }
  bool accepted = false;
  auto read = proto::read_auth_result(conn.input().view(), accepted);
  if (read.status == proto::ReadStatus::need_more)
    return false;
  if (read.status == proto::ReadStatus::malformed) {
    drop(core::make_error(core::Errc::protocol,
                          "node " + m_name + " sent a malformed authentication answer"));
    return false;
  }
  conn.input().consume(read.consumed);
  if (!accepted) {
    drop(core::make_error(core::Errc::unavailable, "node " + m_name +
                                                       " refused authentication as '" +
                                                       m_opts.auth->name + "'"));
    return false;
  }
  m_state = State::ready;
  watch(true);
  return true;
}

void
Session::on_data(net::Connection& conn)
{
  auto self = shared_from_this();
  if (m_closed)
    return;
  watch(true);
  if (m_state == State::authenticating && !authenticate(conn))
    return;
  deliver(conn);
  if (m_closed || m_conn != &conn)
    return;
  if (m_sent == 0 && !conn.input().empty()) {
    drop(core::make_error(core::Errc::protocol,
                          "node " + m_name + " sent bytes that answer no request"));
    return;
  }
  notify_if_empty();
  if (!m_closed && m_conn == &conn)
    pump();
}

void
Session::deliver(net::Connection& conn)
{
  ParseContext ctx{m_name, m_opts, m_closed};
  while (m_sent > 0 && !conn.input().empty()) {
    std::size_t consumed = 0;
    Parse step = m_queue.front()->parse(conn.input().view(), consumed, ctx);
    if (m_closed)
      return;
    conn.input().consume(consumed);
    if (step == Parse::need_more)
      return;
    if (step == Parse::malformed) {
      auto& front = *m_queue.front();
      drop(core::make_error(core::Errc::protocol,
                            "node " + m_name + " broke the protocol answering " +
                                std::string(front.name()) + ": " + front.problem()));
      return;
    }
    std::unique_ptr<Pending> done = std::move(m_queue.front());
    m_queue.pop_front();
    --m_sent;
    done->finish();
    if (m_closed || m_conn != &conn)
      return;
  }
}

void
Session::on_drain(net::Connection&)
{
  auto self = shared_from_this();
  if (!m_closed)
    pump(); // also tells a client stream that it may write again
}

void
Session::on_close(net::Connection&)
{
  auto self = shared_from_this();
  m_conn = nullptr; // dead once this returns
  m_state = State::idle;
  if (!m_closed)
    fail_all(core::make_error(core::Errc::closed, "node " + m_name + " closed the connection"));
}

void
Session::watch(bool progress)
{
  bool waiting = !m_queue.empty() && m_state != State::idle;
  std::uint64_t ms = m_state == State::ready ? m_idle_timeout_ms : m_opts.request_timeout_ms;
  if (!waiting || ms == 0 || (m_state == State::ready && m_sent == 0)) {
    m_watchdog.stop();
    return;
  }
  if (!progress && m_watchdog.active())
    return; // a new request must not extend the deadline of an older one
  std::weak_ptr<Session> weak = weak_from_this();
  m_watchdog.start(ms, 0, [weak] {
    if (auto self = weak.lock(); self && !self->m_closed)
      self->on_timeout();
  });
}

void
Session::on_timeout()
{
  if (m_state == State::ready && m_sent == 0)
    return; // everything was answered meanwhile
  std::string what;
  switch (m_state) {
  case State::connecting:
    what = "cannot connect to node " + m_name + ": no answer within " +
           seconds(m_opts.request_timeout_ms);
    break;
  case State::authenticating:
    what = "node " + m_name + " did not complete authentication within " +
           seconds(m_opts.request_timeout_ms);
    break;
  default:
    what = "node " + m_name + " did not answer " + std::string(m_queue.front()->name()) +
           " within " + seconds(m_idle_timeout_ms);
  }
  drop(core::make_error(core::Errc::timeout, std::move(what)));
}

void
Session::drop(core::Error error)
{
  auto self = shared_from_this();
  if (m_conn) {
    auto* conn = m_conn;
    m_conn = nullptr;
    conn->close();
  }
  m_state = State::idle;
  fail_all(error);
}

void
Session::fail_all(const core::Error& error)
{
  m_watchdog.stop();
  auto queue = std::move(m_queue);
  m_queue.clear();
  m_sent = 0;
  for (auto& pending : queue) {
    pending->fail(error);
    if (m_closed)
      return;
  }
  notify_if_empty();
}

void
Session::notify_if_empty()
{
  if (m_queue.empty() && m_on_empty && !m_closed) {
    auto fn = m_on_empty; // a copy: it may close and release this session
    fn();
  }
}

} // namespace shoal::client
