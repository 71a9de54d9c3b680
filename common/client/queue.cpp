// Queue: round-robin with fail-over for push and pop, gathering for the all-node requests,
// merged Consume streams and spread producers.
#include "client/queue.hpp"

#include "client/gather.hpp"

namespace shoal::client {

namespace {

// A refusal of the request itself, which every node would repeat.
bool
final_refusal(proto::StatusCode status)
{
  using proto::StatusCode;
  return status == StatusCode::empty_value || status == StatusCode::bad_channel_name ||
         status == StatusCode::value_too_big || status == StatusCode::invalid_request;
}

// The failure reported when every node failed: the last one, named as such when there were
// several nodes.
template <class T>
Reply<T>
all_failed(const Reply<void>& last, std::size_t nodes, std::string_view request)
{
  if (nodes == 1)
    return forward_error<T>(last);
  core::Error error = last.error();
  error.message = "all " + std::to_string(nodes) + " nodes failed " + std::string(request) +
                  "; the last: " + error.message;
  return Reply<T>(std::move(error), last.status());
}

} // namespace

struct Queue::Attempt {
  std::vector<std::size_t> order; // the nodes to try, in turn
  std::size_t at = 0;
  Try op;
  std::string_view name;
  Callback<void> done;
};

struct Queue::PopAttempt {
  std::vector<std::size_t> order;
  std::size_t at = 0;
  std::string channel;
  std::optional<Reply<void>> failure; // the last node that could not be asked
  Callback<std::optional<std::string>> done;
};

Queue::Queue(net::Loop& loop,
             const std::vector<net::Endpoint>& nodes,
             NodeClientOptions opts,
             std::uint64_t node_retry_ms)
    : NodeSet(loop, nodes, opts), m_loop(loop), m_retry_at(nodes.size(), 0),
      m_retry_ms(node_retry_ms),
      m_multis([this](std::size_t node, StreamId part) { m_nodes[node]->cancel(part); })
{
}

Queue::~Queue() = default;

std::vector<std::size_t>
Queue::order()
{
  const std::size_t n = m_nodes.size();
  const std::uint64_t now = m_loop.now();
  std::vector<std::size_t> up, down;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = (m_next + k) % n;
    (m_retry_at[i] > now ? down : up).push_back(i);
  }
  m_next = (m_next + 1) % n;
  up.insert(up.end(), down.begin(), down.end()); // left-out nodes last, not never
  return up;
}

void
Queue::mark(std::size_t node, proto::StatusCode status)
{
  if (status == proto::StatusCode::undefined) // the link failed, not the request
    m_retry_at[node] = m_loop.now() + m_retry_ms;
  else
    m_retry_at[node] = 0;
}

void
Queue::attempt(std::shared_ptr<Attempt> a)
{
  std::size_t node = a->order[a->at];
  a->op(*m_nodes[node], [this, a, node](Reply<void> reply) {
    mark(node, reply.status());
    if (reply || final_refusal(reply.status()))
      return a->done(std::move(reply));
    if (++a->at == a->order.size())
      return a->done(all_failed<void>(reply, a->order.size(), a->name));
    attempt(a);
  });
}

void
Queue::push(std::string_view channel, std::string_view value, Callback<void> cb)
{
  auto a = std::make_shared<Attempt>();
  a->order = order();
  a->name = proto::queue_command_name(proto::QueueCommand::push);
  a->op = [channel = std::string(channel), value = std::string(value)](QueueNodeClient& node,
                                                                       Callback<void> done) {
    node.push(channel, value, std::move(done));
  };
  a->done = std::move(cb);
  attempt(std::move(a));
}

void
Queue::push_multi(const std::vector<std::string>& channels,
                  std::string_view value,
                  Callback<void> cb)
{
  auto a = std::make_shared<Attempt>();
  a->order = order();
  a->name = proto::queue_command_name(proto::QueueCommand::push_multi);
  a->op = [channels, value = std::string(value)](QueueNodeClient& node, Callback<void> done) {
    node.push_multi(channels, value, std::move(done));
  };
  a->done = std::move(cb);
  attempt(std::move(a));
}

void
Queue::pop(std::string_view channel, Callback<std::optional<std::string>> cb)
{
  auto p = std::make_shared<PopAttempt>();
  p->order = order();
  p->channel = channel;
  p->done = std::move(cb);
  pop_next(std::move(p));
}

void
Queue::pop_next(std::shared_ptr<PopAttempt> p)
{
  using Value = std::optional<std::string>;
  if (p->at == p->order.size()) {
    if (p->failure) // a node that could not be asked may hold records
      return p->done(forward_error<Value>(*p->failure));
    return p->done(Value());
  }
  std::size_t node = p->order[p->at];
  m_nodes[node]->pop(p->channel, [this, p, node](Reply<Value> reply) {
    mark(node, reply.status());
    if ((reply && reply->has_value()) || (!reply && final_refusal(reply.status())))
      return p->done(std::move(reply));
    if (!reply)
      p->failure.emplace(forward_error<void>(reply));
    ++p->at;
    pop_next(p);
  });
}

void
Queue::get_size_limits(Callback<std::vector<std::uint64_t>> cb)
{
  ask_all<std::uint64_t>(
      [](QueueNodeClient& node, Callback<std::uint64_t> done) { node.get_size_limit(done); },
      collect<std::uint64_t>(std::move(cb)));
}

void
Queue::get_versions(Callback<std::vector<std::string>> cb)
{
  ask_all<std::string>(
      [](QueueNodeClient& node, Callback<std::string> done) { node.get_version(done); },
      collect<std::string>(std::move(cb)));
}

StreamId
Queue::consume(std::string_view channel, ValueCallback on_value, DoneCallback done)
{
  return m_multis.start(
      m_nodes.size(),
      [&](std::size_t i, DoneCallback part) {
        return m_nodes[i]->consume(channel, on_value, std::move(part));
      },
      std::move(done));
}

void
Queue::cancel(StreamId id)
{
  m_multis.cancel(id);
}

std::unique_ptr<SpreadProducer>
Queue::produce(std::string_view channel, DoneCallback done)
{
  return std::make_unique<SpreadProducer>(
      m_nodes.size(),
      [&](std::size_t i, DoneCallback part) {
        return m_nodes[i]->produce(channel, std::move(part));
      },
      std::move(done));
}

std::unique_ptr<SpreadProducer>
Queue::produce_multi(const std::vector<std::string>& channels, DoneCallback done)
{
  return std::make_unique<SpreadProducer>(
      m_nodes.size(),
      [&](std::size_t i, DoneCallback part) {
        return m_nodes[i]->produce_multi(channels, std::move(part));
      },
      std::move(done));
}

} // namespace shoal::client
