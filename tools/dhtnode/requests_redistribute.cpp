// Redistribute: adopt the new range now, move the records that left it to the listed nodes,
// and answer Ok once they all went (Error if a redistribution is already running).
#include "node.hpp"
#include "redistribute.hpp"
#include "requests.hpp"
#include "session.hpp"

namespace shoal::dhtnode {

namespace {
// The answer of a Redistribute request: pending until the redistribution ends.
class RedistributeReply : public server::Stream
{
public:
  struct Outcome {
    Session* session;
    bool done = false;
    bool ok = false;
  };

  explicit RedistributeReply(Session& session)
      : m_outcome(std::make_shared<Outcome>(Outcome{&session}))
  {
  }

  // What the redistribution's completion callback holds: it outlives a closed session.
  std::weak_ptr<Outcome> outcome() const { return m_outcome; }

  bool pump(net::Connection&) override
  {
    if (!m_outcome->done)
      return false;
    m_outcome->session->reply_status(m_outcome->ok ? proto::StatusCode::ok
                                                   : proto::StatusCode::error);
    return true;
  }

private:
  std::shared_ptr<Outcome> m_outcome;
};

bool
valid_targets(const std::vector<proto::NodeRange>& nodes)
{
  for (const auto& n : nodes)
    if (n.min > n.max || !net::parse_endpoint(n.address + ":" + std::to_string(n.port)))
      return false;
  return true;
}
} // namespace

void
handle_redistribute(Session& session, const proto::Request& request)
{
  Node& node = session.node();
  if (node.redistributor().running()) {
    session.reply_status(proto::StatusCode::error); // one at a time, as the original
    return;
  }
  if (!valid_targets(request.nodes)) {
    session.reply_status(proto::StatusCode::invalid_request);
    return;
  }
  node.set_range(proto::HashRange{request.min, request.max});
  auto reply = std::make_unique<RedistributeReply>(session);
  node.redistributor().start(request.nodes,
                             [outcome = reply->outcome()](bool ok, const std::string&) {
                               if (auto o = outcome.lock()) {
                                 o->done = true;
                                 o->ok = ok;
                                 o->session->schedule_pump();
                               }
                             });
  session.start_stream(std::move(reply));
}

} // namespace shoal::dhtnode
