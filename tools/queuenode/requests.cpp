// The queue node's requests: Push, Pop, PushMulti, Consume, Produce*, RemoveChannel and the
// information requests (specs/swarm.md §4.4; check order: channel names, then the value).
#include "requests.hpp"

#include "consume_stream.hpp"
#include "node.hpp"
#include "server/info_responses.hpp"
#include "session.hpp"

#include "core/log.hpp"
#include "proto/codes.hpp"

#include <array>

namespace shoal::queuenode {

namespace {
using proto::QueueCommand;
using proto::StatusCode;

StatusCode
check_channels(const proto::QueueRequest& request)
{
  if (!request.channels.empty()) {
    for (auto channel : request.channels)
      if (!proto::valid_channel_name(channel))
        return StatusCode::bad_channel_name;
    return StatusCode::ok;
  }
  return proto::valid_channel_name(request.channel) ? StatusCode::ok : StatusCode::bad_channel_name;
}

StatusCode
push_status(PushStatus status)
{
  switch (status) {
  case PushStatus::ok: return StatusCode::ok;
  case PushStatus::full: return StatusCode::out_of_memory;
  case PushStatus::failed: return StatusCode::error;
  }
  return StatusCode::error;
}

// Pushes into every channel; full when one of them lacks room (then none is written).
void
push_all(Session& session, const std::vector<std::string_view>& channels, std::string_view value)
{
  auto status = check_channels({QueueCommand::push_multi, {}, channels, value});
  if (status == StatusCode::ok && value.empty())
    status = StatusCode::empty_value;
  for (auto channel : channels)
    if (status == StatusCode::ok && !session.node().channels().fits(channel, value.size()))
      status = StatusCode::out_of_memory;
  std::uint64_t seq = 0;
  for (auto channel : channels) {
    if (status != StatusCode::ok)
      break;
    auto outcome = session.node().channels().push(channel, value);
    status = push_status(outcome.status);
    seq = std::max(seq, outcome.seq);
    session.node().stats().pushed += outcome.status == PushStatus::ok;
  }
  session.ack_after(seq);
  session.reply_status(status);
}

void
handle_push(Session& session, const proto::QueueRequest& request)
{
  push_all(session, {request.channel}, request.value);
}

void
handle_push_multi(Session& session, const proto::QueueRequest& request)
{
  push_all(session, request.channels, request.value);
}

void
handle_pop(Session& session, const proto::QueueRequest& request)
{
  proto::Response response;
  response.status = check_channels(request);
  // Reused: a fresh string per Pop cost a malloc and a free per record. The node is
  // single-threaded and the reply is encoded before the next Pop.
  thread_local std::string value;
  if (response.status == StatusCode::ok) {
    Node& node = session.node();
    auto popped = node.channels().pop(request.channel, value, node.now_ms());
    if (!popped) {
      core::log_error("Pop of {}: {}", request.channel, popped.error().message);
      response.status = StatusCode::error;
    } else if (*popped) {
      ++session.node().stats().popped;
      response.value = value;
    }
  }
  session.reply(QueueCommand::pop, response);
}

void
handle_consume(Session& session, const proto::QueueRequest& request)
{
  auto target = proto::parse_consume_target(request.channel);
  if (!target) {
    session.reply_status(StatusCode::bad_channel_name);
    return;
  }
  auto stream = std::make_unique<ConsumeStream>(session, std::string(target->channel));
  auto sub = session.node().channels().subscribe(target->channel, target->subscriber, stream.get(),
                                                 session.node().now_ms());
  if (!sub) {
    core::log_warn("Consume of {} refused: {}", request.channel, sub.error().message);
    session.reply_status(StatusCode::error);
    return;
  }
  stream->attach(*sub);
  session.reply_status(StatusCode::ok);
  session.start_stream(std::move(stream));
}

void
handle_produce(Session& session, const proto::QueueRequest& request)
{
  auto status = check_channels(request);
  session.reply_status(status);
  if (status != StatusCode::ok)
    return;
  std::vector<std::string> channels;
  if (request.channels.empty())
    channels.emplace_back(request.channel);
  for (auto channel : request.channels)
    channels.emplace_back(channel);
  session.start_producing(std::move(channels));
}

void
handle_remove_channel(Session& session, const proto::QueueRequest& request)
{
  auto status = check_channels(request);
  if (status == StatusCode::ok)
    session.node().channels().remove(request.channel);
  session.reply_status(status);
}

void
handle_get_channels(Session& session, const proto::QueueRequest&)
{
  auto names = session.node().channels().names();
  proto::Response response = server::channels_response(names);
  session.reply(QueueCommand::get_channels, response);
}

void
handle_get_channel_size(Session& session, const proto::QueueRequest& request)
{
  proto::Response response = server::node_response(session.node().endpoint());
  response.status = check_channels(request);
  if (const auto* subs = session.node().channels().find(request.channel)) {
    for (const auto& sub : *subs) {
      response.records += sub.queue->records();
      response.bytes += sub.queue->bytes();
    }
  }
  session.reply(QueueCommand::get_channel_size, response);
}

void
handle_get_size(Session& session, const proto::QueueRequest&)
{
  proto::Response response = server::node_response(session.node().endpoint());
  response.records = session.node().total_records();
  response.bytes = session.node().total_bytes();
  session.reply(QueueCommand::get_size, response);
}

void
handle_get_size_limit(Session& session, const proto::QueueRequest&)
{
  proto::Response response = server::node_response(session.node().endpoint());
  response.limit = session.node().options().channel_size;
  session.reply(QueueCommand::get_size_limit, response);
}

void
handle_get_num_connections(Session& session, const proto::QueueRequest&)
{
  proto::Response response = server::node_response(session.node().endpoint());
  response.connections = session.node().connections();
  session.reply(QueueCommand::get_num_connections, response);
}

void
handle_get_version(Session& session, const proto::QueueRequest&)
{
  proto::Response response = server::version_response();
  session.reply(QueueCommand::get_version, response);
}

void
handle_get_stats(Session& session, const proto::QueueRequest&)
{
  std::string lines = session.node().stats_list().lines();
  proto::Response response = server::stats_response(lines);
  session.reply(QueueCommand::get_stats, response);
}

using Handler = void (*)(Session&, const proto::QueueRequest&);

struct Entry {
  QueueCommand command;
  Handler handler;
};

constexpr std::array table{
    Entry{QueueCommand::push, handle_push},
    Entry{QueueCommand::pop, handle_pop},
    Entry{QueueCommand::get_channels, handle_get_channels},
    Entry{QueueCommand::get_channel_size, handle_get_channel_size},
    Entry{QueueCommand::get_size, handle_get_size},
    Entry{QueueCommand::consume, handle_consume},
    Entry{QueueCommand::get_size_limit, handle_get_size_limit},
    Entry{QueueCommand::get_num_connections, handle_get_num_connections},
    Entry{QueueCommand::push_multi, handle_push_multi},
    Entry{QueueCommand::produce, handle_produce},
    Entry{QueueCommand::produce_multi, handle_produce},
    Entry{QueueCommand::remove_channel, handle_remove_channel},
    Entry{QueueCommand::get_version, handle_get_version},
    Entry{QueueCommand::get_stats, handle_get_stats},
};
} // namespace

void
dispatch(Session& session, const proto::QueueRequest& request)
{
  for (const Entry& entry : table) {
    if (entry.command == request.command) {
      entry.handler(session, request);
      return;
    }
  }
  session.reply_status(StatusCode::not_supported);
}

proto::StatusCode
oversize_status(const proto::QueueRequest& request)
{
  auto status = check_channels(request);
  return status == StatusCode::ok ? StatusCode::value_too_big : status;
}

bool
starts_stream(proto::QueueCommand command)
{
  return command == QueueCommand::consume || command == QueueCommand::produce ||
         command == QueueCommand::produce_multi;
}

void
push_record(Session& session, std::string_view channel, std::string_view value)
{
  auto outcome = session.node().channels().push(channel, value);
  if (outcome.status == PushStatus::ok) {
    ++session.node().stats().produced;
    return;
  }
  ++session.node().stats().dropped;
  core::log_error("Produce into {}: a record could not be stored ({})", channel,
                  outcome.status == PushStatus::full ? "no room" : "write failed");
}

} // namespace shoal::queuenode
