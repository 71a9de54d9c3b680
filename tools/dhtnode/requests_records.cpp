// Single-record requests: Put, Get, Exists, Remove (specs/swarm.md §1.3 check order).
// Get and Exists deliberately skip the range check so that readers keep working while a
// redistribution moves records (§1.2).
#include "checks.hpp"
#include "node.hpp"
#include "requests.hpp"
#include "session.hpp"

namespace shoal::dhtnode {

void
handle_put(Session& session, const proto::Request& request)
{
  std::uint64_t key = 0;
  auto status = check_channel_key(request.channel, request.key, key);
  if (status == proto::StatusCode::ok)
    status = check_range(session, key);
  if (status == proto::StatusCode::ok)
    status = check_value(session, request.value);
  Storage& storage = session.node().storage();
  if (status == proto::StatusCode::ok && storage.size_limit()) {
    auto channel = storage.find(request.channel);
    std::uint64_t old = 0;
    if (channel)
      if (auto value = channel->table().get(key))
        old = value->size() + 8;
    std::uint64_t added = request.value.size() + 8;
    if (added > old && !storage.fits(added - old))
      status = proto::StatusCode::out_of_memory;
  }
  if (status == proto::StatusCode::ok) {
    storage.get_or_create(request.channel)->put(key, request.value);
    ++session.node().stats().written;
  }
  session.reply_status(status);
}

void
handle_get(Session& session, const proto::Request& request)
{
  std::uint64_t key = 0;
  proto::Response response;
  response.status = check_channel_key(request.channel, request.key, key);
  if (response.status == proto::StatusCode::ok) {
    if (auto channel = session.node().storage().find(request.channel)) {
      if (auto value = channel->table().get(key)) {
        response.value = *value;
        ++session.node().stats().read;
      }
    }
  }
  session.reply(proto::Command::get, response);
}

void
handle_exists(Session& session, const proto::Request& request)
{
  std::uint64_t key = 0;
  proto::Response response;
  response.status = check_channel_key(request.channel, request.key, key);
  if (response.status == proto::StatusCode::ok) {
    auto channel = session.node().storage().find(request.channel);
    response.exists = channel && channel->table().contains(key);
  }
  session.reply(proto::Command::exists, response);
}

void
handle_remove(Session& session, const proto::Request& request)
{
  std::uint64_t key = 0;
  auto status = check_channel_key(request.channel, request.key, key);
  if (status == proto::StatusCode::ok)
    status = check_range(session, key);
  if (status == proto::StatusCode::ok) {
    auto channel = session.node().storage().find(request.channel);
    if (channel && channel->remove(key))
      ++session.node().stats().deleted;
  }
  session.reply_status(status);
}

} // namespace shoal::dhtnode
