// Session: decoding, dispatching, throttling writers, and the held replies.
#include "session.hpp"

#include "node.hpp"
#include "requests.hpp"

#include "proto/wire.hpp"

#include <algorithm>

namespace shoal::logfilesnode {

namespace {

bool
starts_stream(proto::Command c)
{
  return c == proto::Command::get_range || c == proto::Command::get_range_filter ||
         c == proto::Command::get_all || c == proto::Command::get_all_filter;
}

bool
writes(proto::Command c)
{
  return c == proto::Command::put || c == proto::Command::put_dup ||
         c == proto::Command::put_batch || c == proto::Command::log_put_batch;
}

} // namespace

Session::Session(Node& node, net::Connection& conn)
    : SwarmSession(conn, node.session_context()), m_node(node)
{
}

Session::~Session()
{
  m_node.forget(this);
}

proto::DecodeResult
Session::handle_next(std::string_view input)
{
  auto result = proto::decode_request(input, m_node.decode_limits(), m_request);
  if (result.status == proto::DecodeStatus::complete) {
    // A stream writes straight to the connection (and must see this client's writes): first
    // send the replies that wait for the writer.
    if (!m_held.empty() && starts_stream(m_request.command))
      return {proto::DecodeStatus::need_more, 0, 0};
    if (writes(m_request.command) && m_node.disk_behind()) {
      m_node.throttle(this); // read on once the writer has caught up
      hold_input();
      return {proto::DecodeStatus::need_more, 0, 0};
    }
    m_node.stats().count(m_request.command);
    dispatch(*this, m_request);
  } else if (result.status == proto::DecodeStatus::oversize) {
    m_node.stats().count(m_request.command);
    answer_after_discard(oversize_status(m_request));
  }
  return result;
}

void
Session::reply(proto::Command command, const proto::Response& response)
{
  count_status(response.status);
  proto::encode_response(command, response, reply_buffer());
}

void
Session::reply_after(std::uint64_t first, std::uint64_t last)
{
  m_held.push_back({first, last, {}});
  m_node.wait_for_writer(this);
}

std::string&
Session::reply_buffer()
{
  return m_held.empty() ? conn().output() : m_held.back().after;
}

void
Session::release(std::uint64_t done, const std::vector<std::uint64_t>& failed)
{
  bool any = false;
  while (!m_held.empty() && m_held.front().last <= done) {
    const Held& h = m_held.front();
    auto it = std::lower_bound(failed.begin(), failed.end(), h.first);
    bool ok = it == failed.end() || *it > h.last;
    auto status = ok ? proto::StatusCode::ok : proto::StatusCode::error;
    count_status(status);
    proto::WireWriter(conn().output()).i32(static_cast<std::int32_t>(status));
    conn().output() += h.after;
    m_held.pop_front();
    any = true;
  }
  if (!any)
    return;
  conn().flush();
  if (m_held.empty()) {
    m_node.forget(this);
    schedule_pump(); // a stream may have waited for these
  }
}

} // namespace shoal::logfilesnode
