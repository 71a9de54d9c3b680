// Streaming requests: GetAll, GetAllKeys, GetAllFilter and Listen. Each answers Ok and then
// occupies the connection until its end marker.
#include "checks.hpp"
#include "get_all_stream.hpp"
#include "listen_stream.hpp"
#include "node.hpp"
#include "requests.hpp"
#include "session.hpp"

namespace shoal::dhtnode {

void
handle_get_all(Session& session, const proto::Request& request)
{
  auto status = check_channel(request.channel);
  session.reply_status(status);
  if (status != proto::StatusCode::ok)
    return;
  auto channel = session.node().storage().find(request.channel);
  session.start_stream(std::make_unique<GetAllStream>(session, std::move(channel), request.command,
                                                      std::string(request.value)));
}

void
handle_listen(Session& session, const proto::Request& request)
{
  auto status = check_channel(request.channel);
  session.reply_status(status);
  if (status != proto::StatusCode::ok)
    return;
  // Like the original, listening creates the channel: writes to it are then seen.
  auto channel = session.node().storage().get_or_create(request.channel);
  session.start_stream(std::make_unique<ListenStream>(session, std::move(channel)));
}

} // namespace shoal::dhtnode
