// QueueTransport: a Consume stream per queuenode restarted with back-off, and an ordered,
// bounded outgoing buffer pushed to one queuenode at a time with a few pushes in flight.
#include "queue_transport.hpp"

#include "update.hpp"

#include "core/log.hpp"
#include "proto/codes.hpp"
#include "proto/queue_codes.hpp"

#include <algorithm>

namespace shoal::odsrpcsync {

namespace {

// A queuenode keeps "<subscriber>@<channel>" in file names with 21 bytes added, so it refuses
// longer queue names (tools/queuenode/queue_name.hpp, max_queue_name).
constexpr std::size_t max_queue_name = 255 - 21;

// A refusal of the message itself, which every queuenode would repeat: retrying cannot help.
bool
refused_for_good(proto::StatusCode status)
{
  using proto::StatusCode;
  return status == StatusCode::empty_value || status == StatusCode::bad_channel_name ||
         status == StatusCode::value_too_big || status == StatusCode::invalid_request;
}

// FNV-1a: a hash that is the same in every build, to pick a node's own queuenode.
std::size_t
stable_hash(std::string_view text)
{
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text)
    h = (h ^ c) * 1099511628211ULL;
  return static_cast<std::size_t>(h);
}

} // namespace

std::string
subscriber_name(std::string_view node_id)
{
  std::string out;
  for (char c : node_id) {
    if (c == '.')
      out += "_2e";
    else if (c == '_')
      out += "_5f";
    else
      out += c;
  }
  return out;
}

core::Status
check_options(const QueueTransportOptions& opts)
{
  auto bad = [](const std::string& why) { return core::make_error(core::Errc::config, why); };
  if (opts.nodes.empty())
    return bad("no queuenode given (--queue HOST:PORT)");
  if (!valid_node_id(opts.node_id))
    return bad("invalid node id '" + opts.node_id + "'");
  if (!proto::valid_channel_name(opts.channel))
    return bad("invalid queue channel name '" + opts.channel + "' (letters, digits, _ and -)");
  std::string target = proto::consume_target(subscriber_name(opts.node_id), opts.channel);
  if (target.size() > max_queue_name)
    return bad("the queue name " + target + " is longer than a queuenode accepts (" +
               std::to_string(max_queue_name) + " bytes)");
  if (opts.max_buffered == 0 || opts.max_in_flight == 0)
    return bad("the outgoing buffer and the pushes in flight need a limit above 0");
  if (opts.retry_min_ms == 0 || opts.retry_max_ms < opts.retry_min_ms)
    return bad("the back-off needs 0 < minimum <= maximum");
  return {};
}

QueueTransport::QueueTransport(net::Loop& loop, QueueTransportOptions opts)
    : m_loop(loop), m_opts(std::move(opts)),
      m_target(proto::consume_target(subscriber_name(m_opts.node_id), m_opts.channel)),
      m_home(m_opts.nodes.empty() ? 0 : stable_hash(m_opts.node_id) % m_opts.nodes.size()),
      m_nodes(m_opts.nodes.size()), m_push_retry(loop)
{
  Backoff backoff{Backoff::ms(m_opts.retry_min_ms), Backoff::ms(m_opts.retry_max_ms)};
  for (Node& node : m_nodes) {
    node.retry = std::make_unique<net::Timer>(loop);
    node.consume_backoff = node.push_backoff = backoff;
  }
}

QueueTransport::~QueueTransport()
{
  stop();
}

std::string
QueueTransport::describe() const
{
  std::string out = "queuenode ";
  for (std::size_t i = 0; i < m_opts.nodes.size(); ++i) {
    if (i > 0)
      out += ',';
    out += m_opts.nodes[i].str();
  }
  return out;
}

void
QueueTransport::start(Handler& handler)
{
  if (m_queue)
    return;
  m_handler = &handler;
  m_queue = std::make_unique<client::Queue>(m_loop, m_opts.nodes, m_opts.client);
  for (std::size_t i = 0; i < m_nodes.size(); ++i)
    consume(i);
}

void
QueueTransport::stop()
{
  if (!m_queue)
    return;
  for (Node& node : m_nodes) {
    node.retry->stop();
    node.receiving = false;
    node.consume_backoff.reset();
    node.push_backoff.reset();
    node.avoid_until = 0;
  }
  m_receiving = 0;
  m_push_retry.stop();
  // The answers of the pushes in flight are lost with the connections: the next start()
  // pushes them again (a duplicate is harmless, last writer wins).
  for (Outgoing& out : m_out)
    out.in_flight = false;
  m_in_flight = 0;
  m_handler = nullptr;
  // Closing the connections drops their callbacks unrun; safe from inside one of them.
  m_queue.reset();
}

void
QueueTransport::ack(std::uint64_t)
{
  // Nothing to tell the queuenode: it forgot the message when it sent it. A crash between
  // that and the apply loses the message; the summary exchange after the restart repairs it.
  ++m_acked;
}

void
QueueTransport::reject(std::uint64_t)
{
  // Never delivered again anyway (see ack).
  ++m_stats.dead_lettered;
}

// --- Receiving ---

void
QueueTransport::consume(std::size_t node)
{
  m_queue->node(node).consume(
      m_target, [this](std::string_view value) { on_value(value); },
      [this, node](client::Reply<void> reply) { on_consume_done(node, reply); },
      [this, node] { on_started(node); });
}

void
QueueTransport::on_started(std::size_t node)
{
  Node& n = m_nodes[node];
  n.receiving = true;
  n.consume_backoff.reset();
  n.push_backoff.reset(); // it works again: no reason to wait for the push back-off
  n.avoid_until = 0;
  ++m_receiving;
  ++m_stats.connects;
  core::log_info("queuenode {}: consuming {}", m_opts.nodes[node].str(), m_target);
  pump(); // the channel exists there now: pushes to it reach every subscriber
  m_handler->on_connected();
}

void
QueueTransport::on_consume_done(std::size_t node, const client::Reply<void>& reply)
{
  Node& n = m_nodes[node];
  bool was_receiving = n.receiving;
  if (was_receiving) {
    n.receiving = false;
    --m_receiving;
  } else {
    ++m_stats.connect_failures;
  }
  std::string why =
      "queuenode " + m_opts.nodes[node].str() + ": " +
      (reply ? "the channel " + m_opts.channel + " was removed" : reply.error().message);
  auto delay = static_cast<std::uint64_t>(n.consume_backoff.next().count());
  core::log_warn("{}; consuming again in {} ms", why, delay);
  n.retry->start(delay, 0, [this, node] { consume(node); });
  if (was_receiving)
    m_handler->on_disconnected(why);
}

void
QueueTransport::on_value(std::string_view value)
{
  ++m_stats.received;
  m_handler->on_message(value, 0);
}

// --- Sending ---

void
QueueTransport::publish(std::string body, bool joinable)
{
  ++m_stats.published;
  if (!m_out.empty() && !m_out.back().sent && m_out.back().join(body, joinable))
    return; // waiting for a push slot or a queuenode: one push for all
  if (m_out.size() >= m_opts.max_buffered && !drop_oldest()) {
    ++m_stats.dropped; // every buffered message is in flight: the new one has no room
    return;
  }
  Outgoing out;
  out.body = std::move(body);
  out.joinable = joinable;
  out.seq = m_next_seq++;
  m_out.push_back(std::move(out));
  pump();
}

bool
QueueTransport::drop_oldest()
{
  auto oldest =
      std::find_if(m_out.begin(), m_out.end(), [](const Outgoing& o) { return !o.in_flight; });
  if (oldest == m_out.end())
    return false;
  std::uint64_t before = m_stats.dropped;
  m_stats.dropped += oldest->count;
  m_out.erase(oldest);
  if (before / 1000 != m_stats.dropped / 1000 || before == 0)
    core::log_warn("outgoing buffer full ({} messages): dropped {} so far; the summary exchange "
                   "repairs them",
                   m_opts.max_buffered, m_stats.dropped);
  return true;
}

void
QueueTransport::pump()
{
  while (m_queue && m_in_flight < m_opts.max_in_flight) {
    // Pushes in flight are the oldest messages but for those that failed since: a short scan.
    auto next =
        std::find_if(m_out.begin(), m_out.end(), [](const Outgoing& o) { return !o.in_flight; });
    if (next == m_out.end())
      return;
    auto node = push_target();
    if (!node)
      return;
    push(*next, *node);
  }
}

std::optional<std::size_t>
QueueTransport::push_target()
{
  // Only to a queuenode where this node's Consume runs: it works, and the channel exists
  // there, so a push cannot create a default queue that nobody reads.
  std::uint64_t now = m_loop.now();
  std::optional<std::uint64_t> soonest;
  for (std::size_t k = 0; k < m_nodes.size(); ++k) {
    std::size_t i = (m_home + k) % m_nodes.size();
    const Node& n = m_nodes[i];
    if (!n.receiving)
      continue;
    if (n.avoid_until <= now)
      return i;
    soonest = std::min(soonest.value_or(n.avoid_until), n.avoid_until);
  }
  if (soonest) // else the next on_started() pumps
    m_push_retry.start(*soonest - now, 0, [this] { pump(); });
  return std::nullopt;
}

void
QueueTransport::push(Outgoing& out, std::size_t node)
{
  out.in_flight = true;
  ++m_in_flight;
  if (out.sent)
    m_stats.republished += out.count;
  out.sent = true;
  m_queue->node(node).push(
      m_opts.channel, out.body,
      [this, seq = out.seq, node](client::Reply<void> reply) { on_pushed(seq, node, reply); });
}

void
QueueTransport::on_pushed(std::uint64_t seq, std::size_t node, const client::Reply<void>& reply)
{
  --m_in_flight;
  auto out = std::lower_bound(m_out.begin(), m_out.end(), seq,
                              [](const Outgoing& o, std::uint64_t s) { return o.seq < s; });
  if (out == m_out.end() || out->seq != seq) // cannot happen: a message in flight stays
    return pump();
  Node& n = m_nodes[node];
  if (reply) {
    m_stats.confirmed += out->count;
    n.push_backoff.reset();
    m_out.erase(out);
  } else if (refused_for_good(reply.status())) {
    core::log_error("queuenode {} refused a message for good: {}", m_opts.nodes[node].str(),
                    reply.error().message);
    m_stats.dropped += out->count;
    m_out.erase(out);
  } else {
    out->in_flight = false; // pushed again, before the messages after it
    std::uint64_t now = m_loop.now();
    if (n.avoid_until <= now) { // once per failure, not once per push in flight
      auto delay = static_cast<std::uint64_t>(n.push_backoff.next().count());
      n.avoid_until = now + delay;
      core::log_warn("queuenode {}: push failed: {}; not pushed to for {} ms",
                     m_opts.nodes[node].str(), reply.error().message, delay);
    }
  }
  pump();
}

} // namespace shoal::odsrpcsync
