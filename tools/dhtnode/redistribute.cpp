// Redistributor: scan each channel with a cursor, batch the records that left the range per
// target node, send the batches, remove what was accepted, go on until every channel is done.
#include "redistribute.hpp"

#include "node.hpp"

#include "client/node_client.hpp"
#include "core/log.hpp"
#include "net/loop.hpp"
#include "proto/batch.hpp"

namespace shoal::dhtnode {

namespace {
constexpr std::uint64_t retry_ms = 2000;
constexpr std::size_t scan_budget = 1 << 16; // records per loop turn, to keep serving others
constexpr double memory_multiplier = 1.1;    // the original's redist_memory_limit_multiplier

// One node that takes over part of the range, and the batch being filled for it.
struct Target {
  Target(net::Loop& loop,
         const proto::NodeRange& node,
         std::size_t batch_size,
         client::NodeClientOptions opts)
      : range{node.min, node.max},
        client(std::make_unique<client::NodeClient>(
            loop, net::Endpoint{node.address, node.port}, std::move(opts))),
        batch(batch_size)
  {
  }
  proto::HashRange range;
  std::unique_ptr<client::NodeClient> client;
  proto::BatchBuilder batch;
  std::vector<std::uint64_t> keys;    // the keys in batch
  std::string payload;                // the batch in flight, kept for retries
  std::vector<std::uint64_t> sending; // its keys, removed here once the target took them
  bool in_flight = false;
  bool failed = false; // waiting for the retry timer
};
} // namespace

class Redistributor::Run
{
public:
  Run(Node& node,
      const std::vector<proto::NodeRange>& targets,
      std::function<void(bool, const std::string&)> done)
      : m_node(node), m_done(std::move(done)), m_next(node.loop()), m_retry(node.loop()),
        m_bytes_at_start(node.storage().total_bytes()), m_channels(node.storage().names())
  {
    client::NodeClientOptions opts;
    opts.auth = node.peer_identity();
    m_targets.reserve(targets.size()); // callbacks refer to targets: they must not move
    for (const auto& t : targets)
      m_targets.emplace_back(node.loop(), t, node.options().batch_size, opts);
  }

  void start() { schedule(); }
  std::uint64_t bytes_at_start() const { return m_bytes_at_start; }
  std::uint64_t forwarded() const { return m_forwarded; }

private:
  void schedule()
  {
    m_next.start(0, 0, [this] { step(); });
  }

  // Scans some records, sends full batches, and finishes when every channel is done.
  void step()
  {
    if (sending())
      return; // on_sent() schedules the next step
    if (!m_channel && !next_channel()) {
      finish();
      return;
    }
    bool channel_done = scan();
    if (channel_done || m_full) {
      m_sent_name = m_channel->name(); // batches never mix channels: all go at channel end
      send_all();
    }
    if (channel_done)
      m_channel.reset();
    if (!sending())
      schedule();
  }

  bool next_channel()
  {
    while (!m_channels.empty()) {
      m_channel = m_node.storage().find(m_channels.back());
      m_channels.pop_back();
      m_cursor = {};
      if (m_channel)
        return true;
    }
    return false;
  }

  // Adds records outside the node's range to their targets' batches; true at channel end.
  bool scan()
  {
    if (m_held && !add(m_held_key, m_held_value))
      return false;
    m_held = false;
    std::size_t budget = scan_budget;
    const proto::HashRange range = m_node.range();
    return m_channel->table().scan(m_cursor, [&](std::uint64_t key, std::string_view value) {
      if (range.responsible_for(key))
        return --budget > 0;
      if (!add(key, value)) {
        m_held = true; // scan() moved past it: keep it for after the send
        m_held_key = key;
        m_held_value.assign(value);
        return false;
      }
      return --budget > 0;
    }) && !m_held;
  }

  // False when the record's target batch is full (send first).
  bool add(std::uint64_t key, std::string_view value)
  {
    Target* t = target_for(key);
    if (!t) {
      ++m_unplaced; // no listed node covers it: it stays here
      return true;
    }
    if (t->batch.add(key, value)) {
      t->keys.push_back(key);
      return true;
    }
    if (!t->batch.fits_empty(value.size())) {
      core::log_warn("redistribution: record {:016x} of {} is larger than a batch; kept", key,
                     m_channel->name());
      return true;
    }
    m_full = true;
    return false;
  }

  Target* target_for(std::uint64_t key)
  {
    for (Target& t : m_targets)
      if (t.range.responsible_for(key))
        return &t;
    return nullptr;
  }

  bool sending() const
  {
    for (const Target& t : m_targets)
      if (t.in_flight || t.failed)
        return true;
    return false;
  }

  void send_all()
  {
    m_full = false;
    for (Target& t : m_targets) {
      if (t.batch.empty())
        continue;
      t.payload.clear();
      t.batch.finish(t.payload);
      t.sending.swap(t.keys);
      t.keys.clear();
      send(t);
    }
  }

  void send(Target& t)
  {
    t.in_flight = true;
    t.client->put_batch(m_sent_name, t.payload, [this, &t](client::Reply<void> reply) {
      t.in_flight = false;
      on_sent(t, reply);
    });
  }

  void on_sent(Target& t, const client::Reply<void>& reply)
  {
    if (!reply) {
      core::log_warn("redistribution: sending to {} failed ({}); retrying in 2 s",
                     t.client->endpoint().str(), reply.error().message);
      t.failed = true;
      if (!m_retry.active())
        m_retry.start(retry_ms, 0, [this] { resend_failed(); });
      return;
    }
    remove_sent(t);
    if (!sending())
      schedule();
  }

  void resend_failed()
  {
    for (Target& t : m_targets) {
      if (t.failed) {
        t.failed = false;
        send(t);
      }
    }
  }

  void remove_sent(Target& t)
  {
    auto channel = m_node.storage().find(m_sent_name);
    for (std::uint64_t key : t.sending)
      if (channel && channel->remove(key))
        ++m_forwarded;
    m_node.stats().forwarded += t.sending.size();
    t.sending.clear();
    progress();
  }

  void progress()
  {
    if (m_forwarded - m_last_progress < 100'000)
      return;
    m_last_progress = m_forwarded;
    core::log_info("redistribution: {} records forwarded", m_forwarded);
  }

  void finish()
  {
    core::log_info("redistribution finished: {} records forwarded, {} outside every listed "
                   "range kept",
                   m_forwarded, m_unplaced);
    auto done = std::move(m_done);
    done(true, {}); // may destroy this Run
  }

  Node& m_node;
  std::function<void(bool, const std::string&)> m_done;
  net::Timer m_next;  // continues the scan on the next loop turn
  net::Timer m_retry; // resends a failed batch
  std::uint64_t m_bytes_at_start;
  std::vector<std::string> m_channels; // names still to go through
  std::vector<Target> m_targets;
  std::shared_ptr<Channel> m_channel; // the channel being scanned
  RecordTable::Cursor m_cursor;
  std::string m_sent_name; // the channel of the batches in flight
  bool m_full = false;
  bool m_held = false;
  std::uint64_t m_held_key = 0;
  std::string m_held_value;
  std::uint64_t m_forwarded = 0;
  std::uint64_t m_unplaced = 0;
  std::uint64_t m_last_progress = 0;
};

Redistributor::Redistributor(Node& node) : m_node(node) {}

Redistributor::~Redistributor() = default;

void
Redistributor::start(const std::vector<proto::NodeRange>& targets,
                     std::function<void(bool, const std::string&)> done)
{
  m_run = std::make_unique<Run>(m_node, targets,
                                [this, done = std::move(done)](bool ok, const std::string& m) {
                                  auto finished = std::move(m_run); // destroyed after done()
                                  done(ok, m);
                                });
  m_run->start();
}

bool
Redistributor::refuses(std::uint64_t extra_bytes) const
{
  if (!m_run)
    return false;
  auto limit =
      static_cast<std::uint64_t>(static_cast<double>(m_run->bytes_at_start()) * memory_multiplier);
  return m_node.storage().total_bytes() + extra_bytes > limit;
}

void
Redistributor::stop()
{
  if (m_run)
    core::log_warn("redistribution abandoned; {} records forwarded", m_run->forwarded());
  m_run.reset();
}

} // namespace shoal::dhtnode
