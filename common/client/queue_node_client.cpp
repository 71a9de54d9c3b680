// QueueNodeClient: queue request encoding on a NodeLink; producers on sessions of their own.
#include "client/queue_node_client.hpp"

#include "proto/queue_request.hpp"
#include "proto/queue_response.hpp"

#include <utility>

namespace shoal::client {

namespace {

std::string
encode(proto::QueueCommand command,
       std::string_view channel = {},
       std::string_view value = {},
       const std::vector<std::string>* channels = nullptr)
{
  proto::QueueRequest request;
  request.command = command;
  request.channel = channel;
  request.value = value;
  if (channels)
    request.channels.assign(channels->begin(), channels->end());
  std::string out;
  proto::encode_queue_request(request, out);
  return out;
}

std::string_view
name(proto::QueueCommand command)
{
  return proto::queue_command_name(command);
}

} // namespace

QueueNodeClient::QueueNodeClient(net::Loop& loop, net::Endpoint node, NodeClientOptions opts)
    : m_link(loop, std::move(node), std::move(opts))
{
}

QueueNodeClient::~QueueNodeClient() = default;

template <class T>
void
QueueNodeClient::single(proto::QueueCommand command,
                        std::string request,
                        T (*decode)(const proto::Response&),
                        Callback<T> cb)
{
  m_link.submit(std::make_unique<SinglePending<T>>(name(command), proto::response_shape(command),
                                                   std::move(request), decode, std::move(cb)));
}

void
QueueNodeClient::single_void(proto::QueueCommand command, std::string request, Callback<void> cb)
{
  m_link.submit(std::make_unique<SinglePending<void>>(name(command), proto::response_shape(command),
                                                      std::move(request), nullptr, std::move(cb)));
}

void
QueueNodeClient::push(std::string_view channel, std::string_view value, Callback<void> cb)
{
  using proto::QueueCommand;
  single_void(QueueCommand::push, encode(QueueCommand::push, channel, value), std::move(cb));
}

void
QueueNodeClient::pop(std::string_view channel, Callback<std::optional<std::string>> cb)
{
  using proto::QueueCommand;
  single(QueueCommand::pop, encode(QueueCommand::pop, channel), decode_value, std::move(cb));
}

void
QueueNodeClient::push_multi(const std::vector<std::string>& channels,
                            std::string_view value,
                            Callback<void> cb)
{
  using proto::QueueCommand;
  single_void(QueueCommand::push_multi, encode(QueueCommand::push_multi, {}, value, &channels),
              std::move(cb));
}

void
QueueNodeClient::get_channels(Callback<std::vector<std::string>> cb)
{
  using proto::QueueCommand;
  single(QueueCommand::get_channels, encode(QueueCommand::get_channels), decode_channels,
         std::move(cb));
}

void
QueueNodeClient::get_channel_size(std::string_view channel, Callback<NodeSize> cb)
{
  using proto::QueueCommand;
  single(QueueCommand::get_channel_size, encode(QueueCommand::get_channel_size, channel),
         decode_size, std::move(cb));
}

void
QueueNodeClient::get_size(Callback<NodeSize> cb)
{
  using proto::QueueCommand;
  single(QueueCommand::get_size, encode(QueueCommand::get_size), decode_size, std::move(cb));
}

void
QueueNodeClient::get_size_limit(Callback<std::uint64_t> cb)
{
  using proto::QueueCommand;
  single(QueueCommand::get_size_limit, encode(QueueCommand::get_size_limit), decode_limit,
         std::move(cb));
}

void
QueueNodeClient::get_num_connections(Callback<std::uint64_t> cb)
{
  using proto::QueueCommand;
  single(QueueCommand::get_num_connections, encode(QueueCommand::get_num_connections),
         decode_connections, std::move(cb));
}

void
QueueNodeClient::get_version(Callback<std::string> cb)
{
  using proto::QueueCommand;
  single(QueueCommand::get_version, encode(QueueCommand::get_version), decode_version,
         std::move(cb));
}

void
QueueNodeClient::get_stats(Callback<std::vector<std::string>> cb)
{
  using proto::QueueCommand;
  single(QueueCommand::get_stats, encode(QueueCommand::get_stats), decode_stats, std::move(cb));
}

void
QueueNodeClient::remove_channel(std::string_view channel, Callback<void> cb)
{
  using proto::QueueCommand;
  single_void(QueueCommand::remove_channel, encode(QueueCommand::remove_channel, channel),
              std::move(cb));
}

StreamId
QueueNodeClient::consume(std::string_view channel,
                         ValueCallback on_value,
                         DoneCallback done,
                         StartedCallback on_started)
{
  auto stream =
      std::make_unique<ConsumeStream>(encode(proto::QueueCommand::consume, channel),
                                      std::move(on_value), std::move(done), std::move(on_started));
  return m_link.start_stream(std::move(stream), 0);
}

std::unique_ptr<Producer>
QueueNodeClient::produce(std::string_view channel, DoneCallback done)
{
  using proto::QueueCommand;
  return std::make_unique<Producer>(m_link.loop(), endpoint(), options(),
                                    encode(QueueCommand::produce, channel),
                                    name(QueueCommand::produce), std::move(done));
}

std::unique_ptr<Producer>
QueueNodeClient::produce_multi(const std::vector<std::string>& channels, DoneCallback done)
{
  using proto::QueueCommand;
  return std::make_unique<Producer>(m_link.loop(), endpoint(), options(),
                                    encode(QueueCommand::produce_multi, {}, {}, &channels),
                                    name(QueueCommand::produce_multi), std::move(done));
}

} // namespace shoal::client
