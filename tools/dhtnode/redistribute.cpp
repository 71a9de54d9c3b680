// Redistributor: placeholder until the client library lands (replaced in the next commit).
#include "redistribute.hpp"

#include "node.hpp"
#include "requests.hpp"
#include "session.hpp"

namespace shoal::dhtnode {

struct Redistributor::State {
};

Redistributor::Redistributor(Node& node) : m_node(node) {}
Redistributor::~Redistributor() = default;

bool
Redistributor::running() const
{
  return false;
}

void
Redistributor::start(const std::vector<proto::NodeRange>&, std::function<void(bool)> done)
{
  done(false);
}

void
Redistributor::stop()
{
}

bool
Redistributor::refuses(std::uint64_t) const
{
  return false;
}

void
handle_redistribute(Session& session, const proto::Request&)
{
  session.reply_status(proto::StatusCode::not_supported);
}

} // namespace shoal::dhtnode
