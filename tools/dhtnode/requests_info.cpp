// Requests about the node and its channels: GetChannels, GetChannelSize, GetSize,
// GetResponsibleRange, RemoveChannel, GetNumConnections, GetVersion and shoal's GetStats.
#include "checks.hpp"
#include "node.hpp"
#include "requests.hpp"
#include "server/info_responses.hpp"
#include "session.hpp"

namespace shoal::dhtnode {

void
handle_get_channels(Session& session, const proto::Request&)
{
  auto names = session.node().storage().names();
  proto::Response response = server::channels_response(names);
  session.reply(proto::Command::get_channels, response);
}

void
handle_get_channel_size(Session& session, const proto::Request& request)
{
  proto::Response response = server::node_response(session.node().endpoint());
  response.status = check_channel(request.channel);
  if (auto channel = session.node().storage().find(request.channel)) {
    response.records = channel->records();
    response.bytes = channel->bytes();
  }
  session.reply(proto::Command::get_channel_size, response);
}

void
handle_get_size(Session& session, const proto::Request&)
{
  proto::Response response = server::node_response(session.node().endpoint());
  response.records = session.node().storage().total_records();
  response.bytes = session.node().storage().total_bytes();
  session.reply(proto::Command::get_size, response);
}

void
handle_get_responsible_range(Session& session, const proto::Request&)
{
  proto::Response response;
  response.status = proto::StatusCode::ok;
  response.min = session.node().range().min;
  response.max = session.node().range().max;
  session.reply(proto::Command::get_responsible_range, response);
}

void
handle_remove_channel(Session& session, const proto::Request& request)
{
  auto status = check_channel(request.channel);
  if (status == proto::StatusCode::ok)
    session.node().remove_channel(request.channel);
  session.reply_status(status);
}

void
handle_get_num_connections(Session& session, const proto::Request&)
{
  proto::Response response = server::node_response(session.node().endpoint());
  response.connections = session.node().connections();
  session.reply(proto::Command::get_num_connections, response);
}

void
handle_get_version(Session& session, const proto::Request&)
{
  proto::Response response = server::version_response();
  session.reply(proto::Command::get_version, response);
}

void
handle_get_stats(Session& session, const proto::Request&)
{
  std::string lines = session.node().stats_list().lines();
  proto::Response response = server::stats_response(lines);
  session.reply(proto::Command::get_stats, response);
}

} // namespace shoal::dhtnode
