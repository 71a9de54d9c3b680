// FakeDhtNode: a scripted, in-memory stand-in for dhtnode (and for logfilesnode: PutDup,
// LogPutBatch, GetRange*) in client unit tests. It speaks the legacy protocol with proto's
// codecs, answers pipelined requests in order, optionally authenticates, and lets a test
// override the answer to any request.
#pragma once

#include "core/hex.hpp"
#include "net/connection.hpp"
#include "net/tcp_server.hpp"
#include "proto/auth.hpp"
#include "proto/batch.hpp"
#include "proto/hash_range.hpp"
#include "proto/request.hpp"
#include "proto/response.hpp"
#include "proto/wire.hpp"

#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shoal::test {

class FakeDhtNode
{
public:
  using Channel = std::map<std::uint64_t, std::string>;
  // A log channel: the records in append order (several per key).
  using Log = std::vector<std::pair<std::uint64_t, std::string>>;
  // Handles a request itself when it returns true (appending to conn.output()).
  using Script = std::function<bool(const proto::Request&, net::Connection&)>;

  explicit FakeDhtNode(net::Loop& loop, proto::HashRange range = proto::HashRange::full())
      : m_range(range), m_server(loop, [this](net::Connection&) {
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
  std::map<std::string, Channel> channels;
  std::map<std::string, Log> logs; // PutDup, LogPutBatch and GetRange* work on these
  std::string version{proto::api_version};
  Script script;                                  // consulted first when set
  std::optional<crypto::Credentials> credentials; // require authentication when set
  std::vector<proto::Command> received;           // every request, in order
  std::size_t accepted = 0;                       // connections accepted
  std::size_t most_in_one_read = 0;               // requests decoded from one on_data

  // The answer of an ordinary node holding `channels` (what the script falls back to).
  void answer(const proto::Request& request, std::string& out) { answer_impl(request, out); }

private:
  struct Handler : net::StreamHandler {
    explicit Handler(FakeDhtNode& n) : node(n) {}
    void on_data(net::Connection& conn) override
    {
      if (node.credentials && !authenticated) {
        if (!auth)
          auth.emplace(*node.credentials, static_cast<std::uint64_t>(std::time(nullptr)));
        std::size_t consumed = 0;
        auto step = auth->feed(conn.input().view(), consumed, conn.output());
        conn.input().consume(consumed);
        if (step == proto::AuthServer::Step::refused) {
          conn.close_after_flush();
          return;
        }
        if (step == proto::AuthServer::Step::need_more)
          return;
        authenticated = true;
      }
      std::size_t count = 0;
      for (;;) {
        proto::Request request;
        auto r = proto::decode_request(conn.input().view(), proto::DecodeLimits{}, request);
        if (r.status != proto::DecodeStatus::complete)
          break;
        ++count;
        node.received.push_back(request.command);
        if (!node.script || !node.script(request, conn))
          node.answer(request, conn.output());
        conn.input().consume(r.consumed);
        if (conn.closing())
          return;
      }
      node.most_in_one_read = std::max(node.most_in_one_read, count);
    }
    FakeDhtNode& node;
    std::optional<proto::AuthServer> auth;
    bool authenticated = false;
  };

  void answer_impl(const proto::Request& request, std::string& out)
  {
    proto::Response r;
    r.status = proto::StatusCode::ok;
    std::string channel(request.channel);
    auto key = core::parse_key(request.key);
    std::string value_store;
    switch (request.command) {
    case proto::Command::put: channels[channel][*key] = request.value; break;
    case proto::Command::get:
      if (auto c = channels.find(channel); c != channels.end() && c->second.count(*key))
        r.value = value_store = c->second[*key];
      break;
    case proto::Command::exists: r.exists = channels[channel].count(*key) > 0; break;
    case proto::Command::remove: channels[channel].erase(*key); break;
    case proto::Command::get_version: r.value = version; break;
    case proto::Command::get_responsible_range:
      r.min = m_range.min;
      r.max = m_range.max;
      break;
    case proto::Command::get_channels:
      for (const auto& [name, records] : channels)
        r.channels.push_back(name);
      break;
    case proto::Command::get_size:
    case proto::Command::get_channel_size:
      r.address = "127.0.0.1";
      r.port = endpoint.port;
      for (const auto& [name, records] : channels)
        if (request.command == proto::Command::get_size || name == channel)
          for (const auto& [k, v] : records) {
            ++r.records;
            r.bytes += v.size();
          }
      break;
    case proto::Command::remove_channel: channels.erase(channel); break;
    case proto::Command::get_stats: r.value = "records:1\nbytes:2\n"; break;
    case proto::Command::put_batch: {
      auto raw = proto::decompress_batch(request.value, 1 << 24);
      proto::BatchReader reader(*raw);
      std::string_view k, v;
      while (reader.next_pair(k, v))
        channels[channel][*core::parse_key(k)] = v;
      break;
    }
    case proto::Command::get_all:
    case proto::Command::get_all_keys: {
      proto::encode_response(request.command, r, out);
      proto::BatchBuilder batch;
      for (const auto& [k, v] : channels[channel]) {
        bool keys = request.command == proto::Command::get_all_keys;
        if (!(keys ? batch.add_key(k) : batch.add(k, v))) {
          batch.finish_array(out);
          keys ? batch.add_key(k) : batch.add(k, v);
        }
      }
      if (!batch.empty())
        batch.finish_array(out);
      proto::WireWriter(out).array({});
      return;
    }
    case proto::Command::put_dup:
      if (!m_range.responsible_for(*key))
        r.status = proto::StatusCode::wrong_node;
      else
        logs[channel].emplace_back(*key, request.value);
      break;
    case proto::Command::log_put_batch: r.status = log_batch(channel, request.value); break;
    case proto::Command::get_range:
    case proto::Command::get_range_filter: {
      proto::encode_response(request.command, r, out);
      std::string_view filter;
      if (request.command == proto::Command::get_range_filter)
        filter = request.value;
      send_range(logs[channel], *key, *core::parse_key(request.key_max), filter, out);
      return;
    }
    default: r.status = proto::StatusCode::not_supported;
    }
    proto::encode_response(request.command, r, out);
  }

  // LogPutBatch: all records or none (WrongNode when one is outside the range).
  proto::StatusCode log_batch(const std::string& channel, std::string_view payload)
  {
    auto raw = proto::decompress_batch(payload, 1 << 24);
    Log batch;
    proto::BatchReader reader(*raw);
    std::string_view k, v;
    while (reader.next_pair(k, v)) {
      if (!m_range.responsible_for(*core::parse_key(k)))
        return proto::StatusCode::wrong_node;
      batch.emplace_back(*core::parse_key(k), v);
    }
    logs[channel].insert(logs[channel].end(), batch.begin(), batch.end());
    return proto::StatusCode::ok;
  }

  // The records of [min, max] as a log node sends them: buckets (key >> 12) ascending, append
  // order inside a bucket; then the empty array.
  static void send_range(
      Log log, std::uint64_t min, std::uint64_t max, std::string_view filter, std::string& out)
  {
    std::stable_sort(log.begin(), log.end(), [](const auto& a, const auto& b) {
      return (a.first >> 12) < (b.first >> 12);
    });
    proto::BatchBuilder batch;
    for (const auto& [k, v] : log) {
      if (k < min || k > max || v.find(filter) == std::string::npos)
        continue;
      if (!batch.add(k, v)) {
        batch.finish_array(out);
        batch.add(k, v);
      }
    }
    if (!batch.empty())
      batch.finish_array(out);
    proto::WireWriter(out).array({});
  }

  proto::HashRange m_range;
  net::TcpServer m_server;
};

} // namespace shoal::test
