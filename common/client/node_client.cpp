// NodeClient: DHT request encoding and answer decoding on a NodeLink (one session per stream).
#include "client/node_client.hpp"

#include "core/hex.hpp"

#include <utility>

namespace shoal::client {

namespace {

std::string
encode(const proto::Request& request)
{
  std::string out;
  proto::encode_request(request, out);
  return out;
}

std::string
encode_bare(proto::Command command)
{
  proto::Request request;
  request.command = command;
  return encode(request);
}

std::string
encode_channel(proto::Command command, std::string_view channel, std::string_view value = {})
{
  proto::Request request;
  request.command = command;
  request.channel = channel;
  request.value = value;
  return encode(request);
}

std::string
encode_keyed(proto::Command command, std::string_view channel, std::uint64_t key)
{
  std::string out;
  proto::encode_keyed(command, channel, key, out);
  return out;
}

// GetRange*: the channel, the first and last key as 16 hex digits, and the filter.
std::string
encode_range(proto::Command command,
             std::string_view channel,
             std::uint64_t min,
             std::uint64_t max,
             std::string_view filter = {})
{
  char first[core::key_hex_digits], last[core::key_hex_digits];
  core::format_key(min, first);
  core::format_key(max, last);
  proto::Request request;
  request.command = command;
  request.channel = channel;
  request.key = std::string_view(first, sizeof first);
  request.key_max = std::string_view(last, sizeof last);
  request.value = filter;
  return encode(request);
}

bool
decode_exists(const proto::Response& r)
{
  return r.exists;
}

proto::HashRange
decode_range(const proto::Response& r)
{
  return proto::HashRange{r.min, r.max};
}

} // namespace

NodeClient::NodeClient(net::Loop& loop, net::Endpoint node, NodeClientOptions opts)
    : m_link(loop, std::move(node), std::move(opts))
{
}

NodeClient::~NodeClient() = default;

template <class T>
void
NodeClient::single(proto::Command command,
                   std::string request,
                   T (*decode)(const proto::Response&),
                   Callback<T> cb)
{
  m_link.submit(
      std::make_unique<SinglePending<T>>(command, std::move(request), decode, std::move(cb)));
}

void
NodeClient::single_void(proto::Command command, std::string request, Callback<void> cb)
{
  m_link.submit(
      std::make_unique<SinglePending<void>>(command, std::move(request), nullptr, std::move(cb)));
}

void
NodeClient::put(std::string_view channel,
                std::uint64_t key,
                std::string_view value,
                Callback<void> cb)
{
  std::string request;
  proto::encode_put(channel, key, value, request);
  single_void(proto::Command::put, std::move(request), std::move(cb));
}

void
NodeClient::get(std::string_view channel,
                std::uint64_t key,
                Callback<std::optional<std::string>> cb)
{
  single(proto::Command::get, encode_keyed(proto::Command::get, channel, key), decode_value,
         std::move(cb));
}

void
NodeClient::exists(std::string_view channel, std::uint64_t key, Callback<bool> cb)
{
  single(proto::Command::exists, encode_keyed(proto::Command::exists, channel, key), decode_exists,
         std::move(cb));
}

void
NodeClient::remove(std::string_view channel, std::uint64_t key, Callback<void> cb)
{
  single_void(proto::Command::remove, encode_keyed(proto::Command::remove, channel, key),
              std::move(cb));
}

void
NodeClient::get_channels(Callback<std::vector<std::string>> cb)
{
  single(proto::Command::get_channels, encode_bare(proto::Command::get_channels), decode_channels,
         std::move(cb));
}

void
NodeClient::get_channel_size(std::string_view channel, Callback<NodeSize> cb)
{
  single(proto::Command::get_channel_size,
         encode_channel(proto::Command::get_channel_size, channel), decode_size, std::move(cb));
}

void
NodeClient::get_size(Callback<NodeSize> cb)
{
  single(proto::Command::get_size, encode_bare(proto::Command::get_size), decode_size,
         std::move(cb));
}

void
NodeClient::get_responsible_range(Callback<proto::HashRange> cb)
{
  single(proto::Command::get_responsible_range, encode_bare(proto::Command::get_responsible_range),
         decode_range, std::move(cb));
}

void
NodeClient::remove_channel(std::string_view channel, Callback<void> cb)
{
  single_void(proto::Command::remove_channel,
              encode_channel(proto::Command::remove_channel, channel), std::move(cb));
}

void
NodeClient::get_num_connections(Callback<std::uint64_t> cb)
{
  single(proto::Command::get_num_connections, encode_bare(proto::Command::get_num_connections),
         decode_connections, std::move(cb));
}

void
NodeClient::get_version(Callback<std::string> cb)
{
  single(proto::Command::get_version, encode_bare(proto::Command::get_version), decode_version,
         std::move(cb));
}

void
NodeClient::get_stats(Callback<std::vector<std::string>> cb)
{
  single(proto::Command::get_stats, encode_bare(proto::Command::get_stats), decode_stats,
         std::move(cb));
}

void
NodeClient::put_batch(std::string_view channel, std::string_view payload, Callback<void> cb)
{
  single_void(proto::Command::put_batch,
              encode_channel(proto::Command::put_batch, channel, payload), std::move(cb));
}

void
NodeClient::put_dup(std::string_view channel,
                    std::uint64_t key,
                    std::string_view value,
                    Callback<void> cb)
{
  proto::Request request;
  request.command = proto::Command::put_dup;
  request.channel = channel;
  char hex[core::key_hex_digits];
  core::format_key(key, hex);
  request.key = std::string_view(hex, sizeof hex);
  request.value = value;
  single_void(proto::Command::put_dup, encode(request), std::move(cb));
}

void
NodeClient::log_put_batch(std::string_view channel, std::string_view payload, Callback<void> cb)
{
  single_void(proto::Command::log_put_batch,
              encode_channel(proto::Command::log_put_batch, channel, payload), std::move(cb));
}

void
NodeClient::redistribute(proto::HashRange range,
                         std::vector<proto::NodeRange> nodes,
                         Callback<void> cb)
{
  proto::Request request;
  request.command = proto::Command::redistribute;
  request.min = range.min;
  request.max = range.max;
  request.nodes = std::move(nodes);
  single_void(proto::Command::redistribute, encode(request), std::move(cb));
}

StreamId
NodeClient::batch_stream(proto::Command command,
                         std::string request,
                         RecordCallback on_record,
                         DoneCallback done)
{
  return m_link.start_stream(std::make_unique<BatchStream>(command, std::move(request),
                                                           std::move(on_record), std::move(done)),
                             options().stream_timeout_ms);
}

StreamId
NodeClient::get_all(std::string_view channel, RecordCallback on_record, DoneCallback done)
{
  return batch_stream(proto::Command::get_all, encode_channel(proto::Command::get_all, channel),
                      std::move(on_record), std::move(done));
}

StreamId
NodeClient::get_all_keys(std::string_view channel, RecordCallback on_record, DoneCallback done)
{
  return batch_stream(proto::Command::get_all_keys,
                      encode_channel(proto::Command::get_all_keys, channel), std::move(on_record),
                      std::move(done));
}

StreamId
NodeClient::get_all_filter(std::string_view channel,
                           std::string_view filter,
                           RecordCallback on_record,
                           DoneCallback done)
{
  return batch_stream(proto::Command::get_all_filter,
                      encode_channel(proto::Command::get_all_filter, channel, filter),
                      std::move(on_record), std::move(done));
}

StreamId
NodeClient::get_range(std::string_view channel,
                      std::uint64_t min,
                      std::uint64_t max,
                      RecordCallback on_record,
                      DoneCallback done)
{
  return batch_stream(proto::Command::get_range,
                      encode_range(proto::Command::get_range, channel, min, max),
                      std::move(on_record), std::move(done));
}

StreamId
NodeClient::get_range_filter(std::string_view channel,
                             std::uint64_t min,
                             std::uint64_t max,
                             std::string_view filter,
                             RecordCallback on_record,
                             DoneCallback done)
{
  return batch_stream(proto::Command::get_range_filter,
                      encode_range(proto::Command::get_range_filter, channel, min, max, filter),
                      std::move(on_record), std::move(done));
}

StreamId
NodeClient::listen(std::string_view channel, ListenCallback on_update, DoneCallback done)
{
  return m_link.start_stream(
      std::make_unique<ListenStream>(encode_channel(proto::Command::listen, channel),
                                     std::move(on_update), std::move(done)),
      0);
}

} // namespace shoal::client
