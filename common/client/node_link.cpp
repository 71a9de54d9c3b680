// NodeLink: the shared session and the stream sessions of one node.
#include "client/node_link.hpp"

#include <utility>

namespace shoal::client {

NodeLink::NodeLink(net::Loop& loop, net::Endpoint node, NodeClientOptions opts)
    : m_loop(loop), m_endpoint(std::move(node)), m_opts(std::move(opts))
{
}

NodeLink::~NodeLink()
{
  if (m_main)
    m_main->close();
  for (auto& [id, session] : m_streams)
    session->close();
}

void
NodeLink::submit(std::unique_ptr<Pending> pending)
{
  if (!m_main)
    m_main = Session::create(m_loop, m_endpoint, m_opts, m_opts.request_timeout_ms);
  m_main->submit(std::move(pending));
}

StreamId
NodeLink::start_stream(std::unique_ptr<Pending> pending, std::uint64_t idle_timeout_ms)
{
  StreamId id = m_next_stream++;
  auto session = Session::create(m_loop, m_endpoint, m_opts, idle_timeout_ms);
  // The stream's session ends with its only request (after done has run).
  session->set_on_empty([this, id] { cancel(id); });
  session->submit(std::move(pending));
  m_streams.emplace(id, std::move(session));
  return id;
}

void
NodeLink::cancel(StreamId id)
{
  auto it = m_streams.find(id);
  if (it == m_streams.end())
    return;
  auto session = std::move(it->second); // kept alive until this returns
  m_streams.erase(it);
  session->close();
}

} // namespace shoal::client
