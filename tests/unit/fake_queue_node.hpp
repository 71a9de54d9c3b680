// FakeQueueNode: a scripted, in-memory stand-in for queuenode in client unit tests. It speaks
// the queue protocol with proto's codecs: pipelined requests answered in order, a FIFO per
// channel, competing Consume streams, Produce streams, and a script hook to override answers.
#pragma once

#include "net/connection.hpp"
#include "net/tcp_server.hpp"
#include "proto/queue_request.hpp"
#include "proto/queue_response.hpp"
#include "proto/wire.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace shoal::test {

class FakeQueueNode
{
public:
  // Handles a request itself when it returns true (appending to conn.output()).
  using Script = std::function<bool(const proto::QueueRequest&, net::Connection&)>;

  explicit FakeQueueNode(net::Loop& loop)
      : m_server(loop, [this](net::Connection&) {
          ++accepted;
          return std::make_unique<Handler>(*this);
        })
  {
    endpoint = *m_server.listen(net::Endpoint{"127.0.0.1", 0});
  }

  // Stops listening and closes every connection (no callbacks).
  void shut()
  {
    m_server.stop_listening();
    m_server.close_all();
  }
  // Closes every open connection, as a crashing node would.
  void drop_connections() { m_server.close_all(); }

  net::Endpoint endpoint;
  std::map<std::string, std::deque<std::string>> channels;
  std::uint64_t size_limit = 1 << 20; // bytes per channel; a push beyond is OutOfMemory
  Script script;                      // consulted first when set
  std::vector<proto::QueueCommand> received;
  std::vector<std::string> produced; // records of every Produce stream, in arrival order
  std::size_t produce_ends = 0;      // Produce streams ended with the empty value
  std::size_t accepted = 0;
  std::size_t most_in_one_read = 0; // requests decoded from one on_data

  // Stores value in channel, or hands it to the channel's next consumer.
  bool store(const std::string& channel, std::string_view value)
  {
    auto& group = m_consumers[channel];
    if (!group.empty()) {
      auto* consumer = group[m_turn++ % group.size()];
      proto::WireWriter(consumer->conn->output()).array(value);
      consumer->conn->flush();
      return true;
    }
    auto& queue = channels[channel];
    std::size_t bytes = 0;
    for (const auto& v : queue)
      bytes += v.size();
    if (bytes + value.size() > size_limit)
      return false;
    queue.emplace_back(value);
    return true;
  }
  // Removes channel; its consumers get the empty value that ends their stream.
  void remove(const std::string& channel)
  {
    channels.erase(channel);
    auto group = std::move(m_consumers[channel]);
    m_consumers.erase(channel);
    for (auto* consumer : group) {
      consumer->consuming.clear();
      proto::WireWriter(consumer->conn->output()).array({});
      consumer->conn->flush();
    }
  }
  // Consumers connected to channel.
  std::size_t consumers(const std::string& channel) { return m_consumers[channel].size(); }

private:
  struct Handler : net::StreamHandler {
    explicit Handler(FakeQueueNode& n) : node(n) {}
    ~Handler() override
    {
      if (!consuming.empty()) {
        auto& group = node.m_consumers[consuming];
        group.erase(std::remove(group.begin(), group.end(), this), group.end());
      }
    }
    void on_data(net::Connection& c) override
    {
      conn = &c;
      std::size_t count = 0;
      while (!c.closing() && !c.input().empty()) {
        if (producing) {
          std::string_view value;
          auto r = proto::decode_produce_item(c.input().view(), {}, value);
          if (r.status != proto::DecodeStatus::complete)
            break;
          if (value.empty()) {
            producing = false;
            ++node.produce_ends;
          } else {
            node.produced.emplace_back(value);
            for (const auto& channel : produce_to)
              node.store(channel, value);
          }
          c.input().consume(r.consumed);
          continue;
        }
        proto::QueueRequest request;
        auto r = proto::decode_queue_request(c.input().view(), {}, request);
        if (r.status != proto::DecodeStatus::complete)
          break;
        ++count;
        node.received.push_back(request.command);
        if (!node.script || !node.script(request, c))
          answer(request, c);
        c.input().consume(r.consumed);
      }
      node.most_in_one_read = std::max(node.most_in_one_read, count);
    }
    void answer(const proto::QueueRequest& request, net::Connection& c);

    FakeQueueNode& node;
    net::Connection* conn = nullptr;
    std::string consuming; // the channel of this connection's Consume
    bool producing = false;
    std::vector<std::string> produce_to;
  };

  net::TcpServer m_server;
  std::map<std::string, std::vector<Handler*>> m_consumers;
  std::size_t m_turn = 0;
};

inline void
FakeQueueNode::Handler::answer(const proto::QueueRequest& request, net::Connection& c)
{
  using proto::QueueCommand;
  proto::Response r;
  r.status = proto::StatusCode::ok;
  std::string channel(request.channel);
  std::string stats = "records:1\nbytes:2\n";
  switch (request.command) {
  case QueueCommand::push:
    if (request.value.empty())
      r.status = proto::StatusCode::empty_value;
    else if (!node.store(channel, request.value))
      r.status = proto::StatusCode::out_of_memory;
    break;
  case QueueCommand::push_multi:
    for (auto name : request.channels)
      if (!node.store(std::string(name), request.value))
        r.status = proto::StatusCode::out_of_memory;
    break;
  case QueueCommand::pop: {
    auto it = node.channels.find(channel);
    if (it != node.channels.end() && !it->second.empty()) {
      stats = std::move(it->second.front()); // held until the answer is encoded
      it->second.pop_front();
      r.value = stats;
    }
    break;
  }
  case QueueCommand::get_channels:
    for (const auto& [name, records] : node.channels)
      r.channels.push_back(name);
    break;
  case QueueCommand::get_size:
  case QueueCommand::get_channel_size:
  case QueueCommand::get_size_limit:
  case QueueCommand::get_num_connections:
    r.address = "127.0.0.1";
    r.port = node.endpoint.port;
    r.limit = node.size_limit;
    r.connections = node.m_server.connections();
    for (const auto& [name, records] : node.channels)
      if (request.command == QueueCommand::get_size || name == channel)
        for (const auto& v : records) {
          ++r.records;
          r.bytes += v.size();
        }
    break;
  case QueueCommand::remove_channel: node.remove(channel); break;
  case QueueCommand::get_version: r.value = proto::api_version; break;
  case QueueCommand::get_stats: r.value = stats; break;
  case QueueCommand::consume: {
    proto::encode_response(request.command, r, c.output());
    consuming = channel;
    node.m_consumers[channel].push_back(this);
    auto& queue = node.channels[channel];
    for (const auto& v : queue)
      proto::WireWriter(c.output()).array(v);
    queue.clear();
    return;
  }
  case QueueCommand::produce:
  case QueueCommand::produce_multi:
    producing = true;
    produce_to.clear();
    if (request.command == QueueCommand::produce)
      produce_to.push_back(channel);
    for (auto name : request.channels)
      produce_to.emplace_back(name);
    break;
  }
  proto::encode_response(request.command, r, c.output());
}

} // namespace shoal::test
