// Informational answers: filling proto::Response the same way for every node.
#include "server/info_responses.hpp"

namespace shoal::server {

namespace {
proto::Response
ok()
{
  proto::Response response;
  response.status = proto::StatusCode::ok;
  return response;
}
} // namespace

proto::Response
node_response(const net::Endpoint& endpoint)
{
  proto::Response response = ok();
  response.address = endpoint.host;
  response.port = endpoint.port;
  return response;
}

proto::Response
channels_response(const std::vector<std::string>& names)
{
  proto::Response response = ok();
  for (const auto& name : names)
    response.channels.push_back(name);
  return response;
}

proto::Response
version_response()
{
  proto::Response response = ok();
  response.value = proto::api_version;
  return response;
}

proto::Response
stats_response(const std::string& lines)
{
  proto::Response response = ok();
  response.value = lines;
  return response;
}

} // namespace shoal::server
