// Dht: handshake, routing and the requests that go to every node.
#include "client/dht.hpp"

#include "client/gather.hpp"
#include "core/hex.hpp"

#include <algorithm>

namespace shoal::client {

Dht::Dht(net::Loop& loop, const std::vector<net::Endpoint>& nodes, NodeClientOptions opts)
    : NodeSet(loop, nodes, opts),
      m_multis([this](std::size_t node, StreamId part) { m_nodes[node]->cancel(part); })
{
  for (const auto& node : nodes)
    m_info.push_back(NodeInfo{node, {}, proto::HashRange::none()});
}

Dht::~Dht() = default;

void
Dht::survey(Callback<void> done)
{
  struct Answer {
    std::string version;
    proto::HashRange range;
  };
  gather<Answer>(
      m_nodes.size(),
      [this](std::size_t i, Callback<Answer> cb) {
        // Both requests are pipelined on the node's connection; the range comes second.
        auto version = std::make_shared<std::optional<Reply<std::string>>>();
        m_nodes[i]->get_version(
            [version](Reply<std::string> r) { version->emplace(std::move(r)); });
        m_nodes[i]->get_responsible_range([version, cb](Reply<proto::HashRange> range) {
          if (version->has_value() && !(*version)->ok())
            return cb(forward_error<Answer>(**version));
          if (!range)
            return cb(forward_error<Answer>(range));
          std::string v = version->has_value() ? std::move(***version) : std::string();
          cb(Answer{std::move(v), *range});
        });
      },
      [this, done = std::move(done)](std::vector<Reply<Answer>> answers) {
        for (std::size_t i = 0; i < answers.size(); ++i)
          if (answers[i]) {
            m_info[i].version = answers[i]->version;
            m_info[i].range = answers[i]->range;
          }
        if (auto* failed = first_failure(answers))
          return done(forward_error<void>(*failed));
        done({});
      });
}

core::Status
Dht::check() const
{
  std::vector<proto::HashRange> ranges;
  for (const auto& info : m_info) {
    if (info.version != proto::api_version)
      return core::make_error(core::Errc::unavailable,
                              "node " + info.endpoint.str() + " speaks API version '" +
                                  info.version + "', not " + std::string(proto::api_version));
    ranges.push_back(info.range);
  }
  if (auto covered = proto::check_coverage(ranges); !covered)
    return core::make_error(core::Errc::unavailable,
                            "the nodes' hash ranges are inconsistent: " + covered.error().message);
  return {};
}

void
Dht::handshake(Callback<void> done)
{
  m_ready = false;
  survey([this, done = std::move(done)](Reply<void> surveyed) {
    if (!surveyed)
      return done(std::move(surveyed));
    if (auto checked = check(); !checked)
      return done(Reply<void>(checked.error()));
    m_ready = true;
    done({});
  });
}

std::optional<std::size_t>
Dht::route(std::uint64_t key) const
{
  if (!m_ready)
    return std::nullopt;
  for (std::size_t i = 0; i < m_info.size(); ++i)
    if (m_info[i].range.responsible_for(key))
      return i;
  return std::nullopt; // unreachable after check(): the ranges cover everything
}

template <class T>
bool
Dht::routed(std::uint64_t key, std::size_t& node, Callback<T>& cb)
{
  auto i = route(key);
  if (!i) {
    cb(Reply<T>(core::make_error(core::Errc::usage, "no node is known to hold key " +
                                                        core::key_to_hex(key) +
                                                        " (no successful handshake)")));
    return false;
  }
  node = *i;
  return true;
}

void
Dht::put(std::string_view channel, std::uint64_t key, std::string_view value, Callback<void> cb)
{
  if (std::size_t i = 0; routed(key, i, cb))
    m_nodes[i]->put(channel, key, value, std::move(cb));
}

void
Dht::get(std::string_view channel, std::uint64_t key, Callback<std::optional<std::string>> cb)
{
  if (std::size_t i = 0; routed(key, i, cb))
    m_nodes[i]->get(channel, key, std::move(cb));
}

void
Dht::exists(std::string_view channel, std::uint64_t key, Callback<bool> cb)
{
  if (std::size_t i = 0; routed(key, i, cb))
    m_nodes[i]->exists(channel, key, std::move(cb));
}

void
Dht::remove(std::string_view channel, std::uint64_t key, Callback<void> cb)
{
  if (std::size_t i = 0; routed(key, i, cb))
    m_nodes[i]->remove(channel, key, std::move(cb));
}

StreamId
Dht::get_all(std::string_view channel, RecordCallback on_record, DoneCallback done)
{
  return start_multi(
      [&](NodeClient& node, DoneCallback part) { return node.get_all(channel, on_record, part); },
      std::move(done));
}

StreamId
Dht::get_all_keys(std::string_view channel, RecordCallback on_record, DoneCallback done)
{
  return start_multi([&](NodeClient& node,
                         DoneCallback part) { return node.get_all_keys(channel, on_record, part); },
                     std::move(done));
}

StreamId
Dht::get_all_filter(std::string_view channel,
                    std::string_view filter,
                    RecordCallback on_record,
                    DoneCallback done)
{
  return start_multi(
      [&](NodeClient& node, DoneCallback part) {
        return node.get_all_filter(channel, filter, on_record, part);
      },
      std::move(done));
}

StreamId
Dht::listen(std::string_view channel, ListenCallback on_update, DoneCallback done)
{
  return start_multi(
      [&](NodeClient& node, DoneCallback part) { return node.listen(channel, on_update, part); },
      std::move(done));
}

StreamId
Dht::start_multi(const StartFn& start, DoneCallback done)
{
  return m_multis.start(
      m_nodes.size(),
      [&](std::size_t i, DoneCallback part) { return start(*m_nodes[i], std::move(part)); },
      std::move(done));
}

void
Dht::cancel(StreamId id)
{
  m_multis.cancel(id);
}

} // namespace shoal::client
