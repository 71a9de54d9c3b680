// Requests about the node and its channels: GetChannels, GetChannelSize, GetSize,
// GetResponsibleRange, RemoveChannel, GetNumConnections, GetVersion and shoal's GetStats.
#include "node.hpp"
#include "requests.hpp"
#include "server/info_responses.hpp"
#include "server/request_checks.hpp"
#include "session.hpp"

namespace shoal::logfilesnode {

void
handle_get_channels(Session& session, const proto::Request&)
{
  auto names = session.node().channels().names();
  proto::Response response = server::channels_response(names);
  session.reply(proto::Command::get_channels, response);
}

void
handle_get_channel_size(Session& session, const proto::Request& request)
{
  proto::Response response = server::node_response(session.node().endpoint());
  response.status = server::check_channel(request.channel);
  ChannelSize size = session.node().size_of(request.channel);
  response.records = size.records;
  response.bytes = size.bytes;
  session.reply(proto::Command::get_channel_size, response);
}

void
handle_get_size(Session& session, const proto::Request&)
{
  proto::Response response = server::node_response(session.node().endpoint());
  ChannelSize size = session.node().total_size();
  response.records = size.records;
  response.bytes = size.bytes;
  session.reply(proto::Command::get_size, response);
}

void
handle_get_responsible_range(Session& session, const proto::Request&)
{
  proto::Response response;
  response.status = proto::StatusCode::ok;
  response.min = session.node().options().range.min;
  response.max = session.node().options().range.max;
  session.reply(proto::Command::get_responsible_range, response);
}

// The reply waits until the files are gone, so that a client that removes a channel and then
// writes to it again starts the new channel empty.
void
handle_remove_channel(Session& session, const proto::Request& request)
{
  auto status = server::check_channel(request.channel);
  std::uint64_t seq =
      status == proto::StatusCode::ok ? session.node().remove_channel(request.channel) : 0;
  if (seq)
    session.reply_after(seq, seq);
  else
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

} // namespace shoal::logfilesnode
