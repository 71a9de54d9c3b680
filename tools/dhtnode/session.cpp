// Session: the per-connection request loop of the node.
#include "session.hpp"

#include "node.hpp"
#include "requests.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"

namespace shoal::dhtnode {

Session::Session(Node& node, net::Connection& conn) : m_node(node), m_conn(conn)
{
  if (const auto* credentials = node.credentials())
    m_auth.emplace(*credentials, core::unix_seconds());
}

Session::~Session()
{
  m_node.forget_session(this);
}

void
Session::on_data(net::Connection&)
{
  process_input();
}

void
Session::on_drain(net::Connection&)
{
  if (m_stream)
    pump_stream();
  else
    process_input();
}

void
Session::process_input()
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
    } else if (m_stream || m_conn.write_blocked() || !handle_one()) {
      break; // waiting for the stream to end, for the client to read, or for more bytes
    }
  }
  m_processing = false;
}

bool
Session::authenticate()
{
  std::size_t consumed = 0;
  auto step = m_auth->feed(m_conn.input().view(), consumed, m_conn.output());
  m_conn.input().consume(consumed);
  if (step == proto::AuthServer::Step::need_more)
    return false;
  if (step == proto::AuthServer::Step::refused) {
    core::log_warn("authentication of {} refused: {}", m_conn.peer().str(), m_auth->reason());
    ++m_node.stats().auth_refused;
    m_conn.close_after_flush();
    return false;
  }
  core::log_debug("{} authenticated as {}", m_conn.peer().str(), m_auth->name());
  m_auth.reset();
  return true;
}

bool
Session::skip_discarded()
{
  auto n = static_cast<std::size_t>(std::min<std::uint64_t>(m_discard, m_conn.input().size()));
  m_conn.input().consume(n);
  m_discard -= n;
  if (m_discard)
    return false;
  reply_status(m_discard_status);
  return true;
}

bool
Session::handle_one()
{
  auto result = proto::decode_request(m_conn.input().view(), m_node.decode_limits(), m_request);
  switch (result.status) {
  case proto::DecodeStatus::need_more: return false;
  case proto::DecodeStatus::malformed:
    core::log_warn("closing connection from {}: malformed request", m_conn.peer().str());
    ++m_node.stats().malformed;
    m_conn.close();
    return false;
  case proto::DecodeStatus::oversize: oversize(m_request, result.discard); break;
  case proto::DecodeStatus::complete:
    m_node.stats().count(m_request.command);
    dispatch(*this, m_request);
    break;
  }
  // The request's views point into the input: drop its bytes only after handling it.
  m_conn.input().consume(result.consumed);
  return true;
}

void
Session::oversize(const proto::Request& request, std::uint64_t discard)
{
  m_node.stats().count(request.command);
  m_discard = discard;
  m_discard_status = oversize_status(*this, request);
}

void
Session::reply(proto::Command command, const proto::Response& response)
{
  if (response.status != proto::StatusCode::ok)
    ++m_node.stats().errors;
  proto::encode_response(command, response, m_conn.output());
}

void
Session::reply_status(proto::StatusCode status)
{
  if (status != proto::StatusCode::ok)
    ++m_node.stats().errors;
  proto::write_status(status, m_conn.output());
}

void
Session::start_stream(std::unique_ptr<Stream> stream)
{
  m_stream = std::move(stream);
  pump_stream();
}

void
Session::pump_stream()
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

} // namespace shoal::dhtnode
