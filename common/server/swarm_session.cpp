// SwarmSession: the per-connection request loop shared by the swarm nodes.
#include "server/swarm_session.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "proto/response.hpp"

namespace shoal::server {

namespace {
constexpr std::uint64_t auth_timeout_ms = 10'000;
} // namespace

SwarmSession::SwarmSession(net::Connection& conn, SessionContext ctx) : m_conn(conn), m_ctx(ctx)
{
  if (!ctx.credentials)
    return;
  m_auth.emplace(*ctx.credentials, core::unix_seconds());
  // A client that never authenticates must not hold a connection slot for ever.
  m_auth_deadline = std::make_unique<net::Timer>(ctx.loop);
  m_auth_deadline->start(auth_timeout_ms, 0, [this] {
    core::log_warn("closing connection from {}: no authentication within {} s", m_conn.peer().str(),
                   auth_timeout_ms / 1000);
    ++m_ctx.counters.auth_refused;
    m_conn.close();
  });
}

SwarmSession::~SwarmSession()
{
  m_ctx.pumper.forget(this);
}

void
SwarmSession::on_data(net::Connection&)
{
  process_input();
}

void
SwarmSession::on_drain(net::Connection&)
{
  pump();
}

void
SwarmSession::pump()
{
  if (m_stream) {
    pump_stream();
    return;
  }
  process_input();
  m_conn.flush(); // outside on_data, nobody else sends what the requests answered
}

void
SwarmSession::process_input()
{
  if (m_processing)
    return; // a handler's reply re-entered through the connection; the outer loop goes on
  m_processing = true;
  while (!m_conn.closing()) {
    if (m_auth) {
      if (!authenticate())
        break;
    } else if (m_discard) {
      if (!skip_discarded())
        break;
    } else if (m_stream || m_held || m_conn.write_blocked() || !handle_one()) {
      break; // waiting for the stream, for room, for the client to read, or for more bytes
    }
  }
  m_processing = false;
  // Reading resumes only once what was buffered while held is handled: resuming at release
  // would add a read to the buffer for every record a waiting producer gets room for.
  if (!m_held && m_conn.input_held())
    m_conn.hold_input(false);
}

bool
SwarmSession::authenticate()
{
  std::size_t consumed = 0;
  auto step = m_auth->feed(m_conn.input().view(), consumed, m_conn.output());
  m_conn.input().consume(consumed);
  if (step == proto::AuthServer::Step::need_more)
    return false;
  if (step == proto::AuthServer::Step::refused) {
    core::log_warn("authentication of {} refused: {}", m_conn.peer().str(), m_auth->reason());
    ++m_ctx.counters.auth_refused;
    m_conn.close_after_flush();
    return false;
  }
  core::log_debug("{} authenticated as {}", m_conn.peer().str(), m_auth->name());
  m_auth.reset();
  m_auth_deadline.reset();
  return true;
}

bool
SwarmSession::skip_discarded()
{
  auto n = static_cast<std::size_t>(std::min<std::uint64_t>(m_discard, m_conn.input().size()));
  m_conn.input().consume(n);
  m_discard -= n;
  if (m_discard)
    return false;
  if (m_discard_status)
    reply_status(*m_discard_status);
  return true;
}

bool
SwarmSession::handle_one()
{
  auto result = handle_next(m_conn.input().view());
  switch (result.status) {
  case proto::DecodeStatus::need_more: return false;
  case proto::DecodeStatus::malformed:
    core::log_warn("closing connection from {}: malformed request", m_conn.peer().str());
    ++m_ctx.counters.malformed;
    m_conn.close_after_flush(); // the requests before it were applied: send their answers
    return false;
  case proto::DecodeStatus::oversize: m_discard = result.discard; break;
  case proto::DecodeStatus::complete: break;
  }
  // The request's views point into the input: drop its bytes only after handling it.
  m_conn.input().consume(result.consumed);
  return true;
}

void
SwarmSession::count_status(proto::StatusCode status)
{
  if (status != proto::StatusCode::ok)
    ++m_ctx.counters.errors;
}

void
SwarmSession::reply_status(proto::StatusCode status)
{
  count_status(status);
  proto::write_status(status, reply_buffer());
}

void
SwarmSession::start_stream(std::unique_ptr<Stream> stream)
{
  m_stream = std::move(stream);
  pump_stream();
}

void
SwarmSession::pump_stream()
{
  if (!m_stream || m_conn.closing())
    return;
  if (m_stream->pump(m_conn)) {
    m_stream.reset();
    m_conn.flush();
    process_input(); // requests pipelined behind the stream
    return;
  }
  if (m_conn.write_blocked())
    m_conn.want_drain();
  m_conn.flush();
}

void
SwarmSession::hold_input()
{
  m_held = true;
  m_conn.hold_input(true);
}

void
SwarmSession::release_input()
{
  if (!m_held)
    return;
  m_held = false;
  schedule_pump(); // handles what is buffered on the next turn, then reads again
}

} // namespace shoal::server
