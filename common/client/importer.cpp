// Importer: per-node batch lanes with a bounded number of PutBatch requests in flight.
#include "client/importer.hpp"

namespace shoal::client {

Importer::Importer(Dht& dht, std::string channel, ImportOptions opts)
    : m_dht(dht), m_channel(std::move(channel)), m_opts(opts),
      m_self(std::make_shared<Importer*>(this))
{
  for (std::size_t i = 0; i < dht.size(); ++i)
    m_lanes.push_back(std::make_unique<Lane>(m_opts.batch_size));
}

void
Importer::add(std::uint64_t key, std::string_view value)
{
  if (m_failure)
    return;
  auto node = m_dht.route(key);
  if (!node) {
    m_failure.emplace(core::make_error(core::Errc::usage, "import before a successful handshake"));
    return;
  }
  ++m_added;
  Lane& lane = *m_lanes[*node];
  if (!lane.builder.fits_empty(value.size())) { // too big for any batch: a single Put
    ++lane.in_flight;
    std::weak_ptr<Importer*> self = m_self;
    std::size_t i = *node;
    auto answered = [self, i, owner = m_owner.lock()](Reply<void> r) {
      if (auto alive = self.lock())
        (*alive)->answered(i, 1, std::move(r));
    };
    if (m_opts.append)
      m_dht.node(i).put_dup(m_channel, key, value, std::move(answered));
    else
      m_dht.node(i).put(m_channel, key, value, std::move(answered));
    return;
  }
  if (!lane.builder.add(key, value)) {
    seal(*node);
    lane.builder.add(key, value);
  }
}

bool
Importer::backlogged() const
{
  for (const auto& lane : m_lanes)
    if (!lane->waiting.empty())
      return true;
  return false;
}

void
Importer::seal(std::size_t node)
{
  Lane& lane = *m_lanes[node];
  std::size_t records = lane.builder.records();
  std::string payload;
  lane.builder.finish(payload);
  if (lane.in_flight < m_opts.in_flight_per_node)
    send(node, std::move(payload), records);
  else
    lane.waiting.emplace_back(std::move(payload), records);
}

void
Importer::send(std::size_t node, std::string payload, std::size_t records)
{
  ++m_lanes[node]->in_flight;
  std::weak_ptr<Importer*> self = m_self;
  auto owner = m_owner.lock();
  auto answered = [self, node, records, owner](Reply<void> r) {
    if (auto alive = self.lock())
      (*alive)->answered(node, records, std::move(r));
  };
  if (m_opts.append)
    m_dht.node(node).log_put_batch(m_channel, payload, std::move(answered));
  else
    m_dht.node(node).put_batch(m_channel, payload, std::move(answered));
}

void
Importer::answered(std::size_t node, std::size_t records, Reply<void> reply)
{
  Lane& lane = *m_lanes[node];
  --lane.in_flight;
  bool was_backlogged = backlogged();
  if (reply) {
    m_stored += records;
  } else if (!m_failure) {
    m_failure.emplace(std::move(reply));
    for (auto& l : m_lanes) // nothing more is sent after a failure
      l->waiting.clear();
  }
  if (!m_failure && !lane.waiting.empty()) {
    auto [payload, count] = std::move(lane.waiting.front());
    lane.waiting.pop_front();
    send(node, std::move(payload), count);
  }
  std::weak_ptr<Importer*> self = m_self;
  if (m_on_ready && ((was_backlogged && !backlogged()) || (m_failure && !reply))) {
    auto fn = m_on_ready;
    fn();
    if (self.expired())
      return;
  }
  check_done();
}

void
Importer::flush()
{
  if (m_failure || m_finishing)
    return;
  for (std::size_t i = 0; i < m_lanes.size(); ++i)
    if (!m_lanes[i]->builder.empty())
      seal(i);
}

void
Importer::finish(Callback<void> done)
{
  m_done = std::move(done);
  m_finishing = true;
  if (!m_failure)
    for (std::size_t i = 0; i < m_lanes.size(); ++i)
      if (!m_lanes[i]->builder.empty())
        seal(i);
  check_done();
}

void
Importer::check_done()
{
  if (!m_finishing || !m_done)
    return;
  for (const auto& lane : m_lanes)
    if (lane->in_flight > 0 || !lane->waiting.empty())
      return;
  auto done = std::move(m_done);
  done(m_failure ? std::move(*m_failure) : Reply<void>());
}

namespace {
// put_many's state: owned by the callbacks of the requests in flight (Importer::set_owner),
// so that it goes away with them even if the Dht is destroyed first.
struct ManyState {
  ManyState(Dht& dht,
            std::string_view channel,
            ImportOptions opts,
            std::vector<std::pair<std::uint64_t, std::string>> recs,
            Callback<void> cb)
      : importer(dht, std::string(channel), opts), records(std::move(recs)), done(std::move(cb))
  {
  }
  Importer importer;
  std::vector<std::pair<std::uint64_t, std::string>> records;
  std::size_t next = 0;
  Callback<void> done;
};

void
feed(std::shared_ptr<ManyState> state)
{
  Importer& importer = state->importer;
  while (state->next < state->records.size() && !importer.backlogged() && !importer.failure()) {
    const auto& [key, value] = state->records[state->next++];
    importer.add(key, value);
  }
  if (state->next < state->records.size() && !importer.failure())
    return; // on_ready calls again
  importer.on_ready(nullptr);
  std::weak_ptr<ManyState> weak = state;
  importer.finish([weak](Reply<void> reply) {
    if (auto alive = weak.lock()) // alive: the last answer's callback holds it
      std::exchange(alive->done, nullptr)(std::move(reply));
  });
}
} // namespace

void
put_many(Dht& dht,
         std::string_view channel,
         std::vector<std::pair<std::uint64_t, std::string>> records,
         Callback<void> done,
         ImportOptions opts)
{
  auto state = std::make_shared<ManyState>(dht, channel, opts, std::move(records), std::move(done));
  std::weak_ptr<ManyState> weak = state;
  state->importer.set_owner(weak);
  state->importer.on_ready([weak] {
    if (auto alive = weak.lock())
      feed(std::move(alive));
  });
  feed(std::move(state));
}

} // namespace shoal::client
