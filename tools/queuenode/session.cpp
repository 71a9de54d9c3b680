// Session: decoding queue requests and Produce items, and holding durable acknowledgements.
#include "session.hpp"

#include "node.hpp"
#include "requests.hpp"

#include "core/log.hpp"

namespace shoal::queuenode {

Session::Session(Node& node, net::Connection& conn)
    : SwarmSession(conn, node.session_context()), m_node(node)
{
}

Session::~Session()
{
  m_node.channels().stop_waiting(this);
  m_node.forget_acks(this);
}

proto::DecodeResult
Session::handle_next(std::string_view input)
{
  if (!m_producing.empty())
    return produce_next(input);
  auto result = proto::decode_queue_request(input, m_node.decode_limits(), m_request);
  if (result.status == proto::DecodeStatus::complete) {
    // A stream writes straight to the connection: first send what waits for the journal.
    if (!m_held.empty() && starts_stream(m_request.command))
      return {proto::DecodeStatus::need_more, 0, 0};
    m_node.stats().count(m_request.command);
    dispatch(*this, m_request);
  } else if (result.status == proto::DecodeStatus::oversize) {
    m_node.stats().count(m_request.command);
    answer_after_discard(oversize_status(m_request));
  }
  m_ack_seq = 0;
  return result;
}

proto::DecodeResult
Session::produce_next(std::string_view input)
{
  std::string_view value;
  auto result = proto::decode_produce_item(input, m_node.decode_limits(), value);
  if (result.status == proto::DecodeStatus::oversize) {
    core::log_warn("Produce from {}: dropped a record of {} bytes (over --max-value)",
                   conn().peer().str(), result.discard);
    ++m_node.stats().dropped;
    answer_after_discard(std::nullopt); // a stream item has no answer
  }
  if (result.status != proto::DecodeStatus::complete)
    return result;
  if (value.empty()) { // the end of the stream: requests follow
    m_producing.clear();
    return result;
  }
  for (const auto& channel : m_producing) {
    if (!m_node.channels().fits(channel, value.size())) {
      // Back-pressure: the producer waits (in TCP) until a consumer makes room.
      m_node.channels().wait_for_space(channel, this);
      hold_input();
      return {proto::DecodeStatus::need_more, 0, 0};
    }
  }
  for (const auto& channel : m_producing)
    push_record(*this, channel, value);
  return result;
}

void
Session::start_producing(std::vector<std::string> channels)
{
  m_producing = std::move(channels);
}

std::string&
Session::reply_buffer()
{
  if (m_ack_seq <= m_node.synced() && m_held.empty())
    return conn().output();
  std::uint64_t seq = std::max(m_ack_seq, m_held.empty() ? 0 : m_held.back().seq);
  if (m_held.empty() || m_held.back().seq < seq)
    m_held.push_back({seq, {}});
  m_node.wait_acks(this);
  return m_held.back().bytes;
}

void
Session::release_acks(std::uint64_t synced)
{
  while (!m_held.empty() && m_held.front().seq <= synced) {
    conn().output() += m_held.front().bytes;
    m_held.pop_front();
  }
  conn().flush();
  if (m_held.empty()) {
    m_node.forget_acks(this);
    schedule_pump(); // a Consume may have waited for these
  }
}

void
Session::reply(proto::QueueCommand command, const proto::Response& response)
{
  count_status(response.status);
  proto::encode_response(command, response, reply_buffer());
}

} // namespace shoal::queuenode
