// Session: decoding and dispatching DHT requests on the shared swarm session.
#include "session.hpp"

#include "node.hpp"
#include "requests.hpp"

namespace shoal::dhtnode {

Session::Session(Node& node, net::Connection& conn)
    : SwarmSession(conn, node.session_context()), m_node(node)
{
}

proto::DecodeResult
Session::handle_next(std::string_view input)
{
  auto result = proto::decode_request(input, m_node.decode_limits(), m_request);
  if (result.status == proto::DecodeStatus::complete) {
    m_node.stats().count(m_request.command);
    dispatch(*this, m_request);
  } else if (result.status == proto::DecodeStatus::oversize) {
    m_node.stats().count(m_request.command);
    answer_after_discard(oversize_status(*this, m_request));
  }
  return result;
}

void
Session::reply(proto::Command command, const proto::Response& response)
{
  count_status(response.status);
  proto::encode_response(command, response, reply_buffer());
}

} // namespace shoal::dhtnode
