// LogStore: PutDup routing and reads from every log node.
#include "client/logs.hpp"

#include "core/hex.hpp"

namespace shoal::client {

void
LogStore::put_dup(std::string_view channel,
                  std::uint64_t key,
                  std::string_view value,
                  Callback<void> cb)
{
  auto i = route(key);
  if (!i)
    return cb(Reply<void>(core::make_error(core::Errc::usage, "no node is known to hold key " +
                                                                  core::key_to_hex(key) +
                                                                  " (no successful handshake)")));
  m_nodes[*i]->put_dup(channel, key, value, std::move(cb));
}

StreamId
LogStore::read(const LogQuery& query,
               NodeRecordCallback on_record,
               NodeEndCallback on_node_end,
               DoneCallback done)
{
  auto start = [&](std::size_t i, DoneCallback part) -> StreamId {
    NodeClient& node = *m_nodes[i];
    auto record = [on_record, i](std::uint64_t key, std::string_view value) {
      on_record(i, key, value);
    };
    if (on_node_end)
      part = [on_node_end, i, part = std::move(part)](Reply<void> r) {
        if (r)
          on_node_end(i);
        part(std::move(r));
      };
    if (query.all)
      return query.filter ? node.get_all_filter(query.channel, *query.filter, record, part)
                          : node.get_all(query.channel, record, part);
    return query.filter ? node.get_range_filter(query.channel, query.min, query.max, *query.filter,
                                                record, part)
                        : node.get_range(query.channel, query.min, query.max, record, part);
  };
  return m_multis.start(m_nodes.size(), start, std::move(done));
}

StreamId
LogStore::get_range(std::string_view channel,
                    std::uint64_t min,
                    std::uint64_t max,
                    RecordCallback on_record,
                    DoneCallback done)
{
  LogQuery query{std::string(channel), min, max, false, std::nullopt};
  return read(
      query, [on_record](std::size_t, std::uint64_t k, std::string_view v) { on_record(k, v); },
      nullptr, std::move(done));
}

StreamId
LogStore::get_range_filter(std::string_view channel,
                           std::uint64_t min,
                           std::uint64_t max,
                           std::string_view filter,
                           RecordCallback on_record,
                           DoneCallback done)
{
  LogQuery query{std::string(channel), min, max, false, std::string(filter)};
  return read(
      query, [on_record](std::size_t, std::uint64_t k, std::string_view v) { on_record(k, v); },
      nullptr, std::move(done));
}

} // namespace shoal::client
