// The I/O thread's life: connect with back-off, then serve the connection until it is lost or
// the transport stops. Serving is a loop of one step (read what arrived, send acks and
// publishes while the socket takes them, keep the heartbeat) and one poll() on the socket and
// the wake-up eventfd, so that a publish from the loop goes out at once.
#include "amqp_io_thread.hpp"

#include "amqp_tag.hpp"
#include "backoff.hpp"

#include "core/log.hpp"

#include <poll.h>

#include <algorithm>
#include <variant>

namespace shoal::odsrpcsync {

namespace {

using std::chrono::milliseconds;

constexpr std::size_t max_reads_per_step = 256;
constexpr std::size_t max_publishes_per_step = 256;
// Messages published and not yet confirmed at most. The broker confirms a persistent message
// once it is on disk; while it lags, updates gather and go as one message (of up to
// max_joined_bytes), which costs the broker about what one update alone does.
constexpr std::size_t max_unconfirmed = 8;
// On stop, publishes still unconfirmed get this long to be confirmed before the connection
// closes (a daemon's graceful drain).
constexpr milliseconds drain_time{2000};

} // namespace

AmqpIoThread::AmqpIoThread(const AmqpOptions& opts,
                           AmqpShared& shared,
                           std::function<void()> notify)
    : m_options(opts), m_url(parse_amqp_url(opts.url).value()),
      m_description(describe_amqp_url(m_url)), m_shared(shared), m_notify(std::move(notify))
{
}

AmqpIoThread::~AmqpIoThread()
{
  join();
}

void
AmqpIoThread::start()
{
  m_thread = std::thread([this] { run(); });
}

void
AmqpIoThread::join()
{
  if (m_thread.joinable())
    m_thread.join();
}

void
AmqpIoThread::run()
{
  Backoff backoff;
  while (!m_shared.stopping) {
    auto c = connect();
    if (!c) {
      {
        std::lock_guard lock(m_shared.mutex);
        ++m_shared.stats.connect_failures;
      }
      core::log_warn("amqp: cannot connect to {}: {}", m_description, c.error().message);
      sleep(backoff.next());
      continue;
    }
    backoff.reset();
    connected_session(**c);
    if (!m_shared.stopping)
      sleep(backoff.next());
  }
}

core::Result<std::unique_ptr<AmqpConnection>>
AmqpIoThread::connect()
{
  AmqpEndpoint e{m_url,
                 AmqpCredentials{m_url.user, m_url.password},
                 m_options.tls_cacert,
                 m_options.tls_cert,
                 m_options.tls_key,
                 m_options.tls_verify,
                 m_options.heartbeat_s,
                 "ods-rpc-sync " + m_options.node_id};
  if (!m_options.credentials_file.empty()) { // read at every attempt: a new password is used
    auto creds = read_amqp_credentials(m_options.credentials_file);
    if (!creds)
      return creds.take_error();
    e.credentials = std::move(*creds);
  }
  auto c = AmqpConnection::open(e);
  if (!c)
    return c;
  SHOAL_TRY((*c)->declare_topology(m_options.exchange, m_options.node_id));
  SHOAL_TRY((*c)->start_consuming(node_queue_name(m_options.node_id), m_options.prefetch));
  return c;
}

void
AmqpIoThread::connected_session(AmqpConnection& c)
{
  m_generation = next_amqp_generation(m_generation);
  {
    std::lock_guard lock(m_shared.mutex);
    ++m_shared.stats.connects;
    m_shared.outgoing.restart(); // what the last connection left unconfirmed goes out again
  }
  core::log_info("amqp: connected to {} (queue {})", m_description,
                 node_queue_name(m_options.node_id));
  post({AmqpEvent{AmqpEvent::Kind::connected, 0, {}}});
  std::string why = serve(c);
  if (m_shared.stopping) {
    c.close();
    return;
  }
  core::log_warn("amqp: connection to {} lost: {}", m_description, why);
  post({AmqpEvent{AmqpEvent::Kind::disconnected, 0, why}});
}

std::string
AmqpIoThread::serve(AmqpConnection& c)
{
  clock::time_point drain_deadline{};
  for (;;) {
    bool more = false, blocked = false;
    if (auto st = step(c, more, blocked); !st)
      return st.error().message;
    if (drained(drain_deadline))
      return "stopped";
    wait(c, blocked, more && !blocked ? milliseconds{0} : c.idle_wait());
  }
}

core::Status
AmqpIoThread::step(AmqpConnection& c, bool& more, bool& blocked)
{
  SHOAL_TRY(read_input(c, more));
  SHOAL_TRY(send_tag_commands(c, blocked));
  SHOAL_TRY(send_publishes(c, more, blocked));
  return c.keep_alive();
}

// True once the transport stops and its publishes are confirmed (or the drain time is over).
bool
AmqpIoThread::drained(clock::time_point& deadline)
{
  if (!m_shared.stopping)
    return false;
  auto now = clock::now();
  if (deadline == clock::time_point{})
    deadline = now + drain_time;
  std::lock_guard lock(m_shared.mutex);
  return m_shared.outgoing.empty() || now >= deadline;
}

core::Status
AmqpIoThread::read_input(AmqpConnection& c, bool& more)
{
  std::vector<AmqpEvent> events;
  core::Status status;
  std::size_t n = 0;
  for (; n < max_reads_per_step && status; ++n) {
    auto in = c.read();
    if (!in) {
      status = in.take_error();
    } else if (auto* d = std::get_if<AmqpConnection::Delivery>(&*in)) {
      events.push_back(AmqpEvent{AmqpEvent::Kind::delivery,
                                 make_amqp_tag(m_generation, d->delivery_tag), std::move(d->body)});
    } else if (auto* conf = std::get_if<AmqpConnection::Confirm>(&*in)) {
      confirm(*conf);
    } else {
      break; // nothing more has arrived
    }
  }
  more = more || n == max_reads_per_step;
  post(std::move(events)); // what came before an error is still delivered
  return status;
}

void
AmqpIoThread::confirm(const AmqpConnection::Confirm& conf)
{
  std::lock_guard lock(m_shared.mutex);
  std::size_t n = m_shared.outgoing.confirm(conf.seq, conf.multiple);
  if (conf.ack) {
    m_shared.stats.confirmed += n;
    return;
  }
  // basic.nack: some queue refused it (one at its max-length with overflow reject-publish,
  // typically the queue of a node that is away) or the broker failed. The other queues have
  // it; publishing it again would be refused again, so it is let go: the summary exchange
  // brings the node that missed it up to date.
  std::uint64_t before = m_shared.stats.nacked;
  m_shared.stats.nacked += n;
  if (n > 0 && (before == 0 || before / 1000 != m_shared.stats.nacked / 1000))
    core::log_warn("amqp: the broker refused {} update(s) so far (basic.nack: a queue at its "
                   "length limit?); the summary exchange repairs the node that missed them",
                   m_shared.stats.nacked);
}

core::Status
AmqpIoThread::send_tag_commands(AmqpConnection& c, bool& blocked)
{
  std::vector<AmqpTagCommand> commands;
  {
    std::lock_guard lock(m_shared.mutex);
    commands.swap(m_shared.tag_commands);
  }
  std::size_t i = 0;
  for (; i < commands.size(); ++i) {
    const AmqpTagCommand& cmd = commands[i];
    if (amqp_tag_generation(cmd.tag) != m_generation) {
      core::log_debug("amqp: ignoring the {} of a delivery of an earlier connection",
                      cmd.reject ? "reject" : "ack");
      continue; // the broker has requeued it and delivers it again
    }
    if (!c.writable()) {
      blocked = true;
      break;
    }
    std::uint64_t delivery = amqp_tag_delivery(cmd.tag);
    SHOAL_TRY(cmd.reject ? c.reject(delivery) : c.ack(delivery));
    if (cmd.reject) {
      std::lock_guard lock(m_shared.mutex);
      ++m_shared.stats.dead_lettered;
    }
  }
  if (i < commands.size()) { // put the rest back in front of any newer ones
    std::lock_guard lock(m_shared.mutex);
    auto& queue = m_shared.tag_commands;
    queue.insert(queue.begin(), commands.begin() + static_cast<std::ptrdiff_t>(i), commands.end());
  }
  return {};
}

core::Status
AmqpIoThread::send_publishes(AmqpConnection& c, bool& more, bool& blocked)
{
  for (std::size_t n = 0; n < max_publishes_per_step; ++n) {
    if (!c.writable()) {
      blocked = true;
      return {};
    }
    std::string body;
    {
      std::lock_guard lock(m_shared.mutex);
      if (m_shared.outgoing.in_flight() >= max_unconfirmed)
        return {}; // the next confirmation sends what gathered meanwhile, in one message
      const PendingMessage* next = m_shared.outgoing.next_unsent();
      if (next == nullptr)
        return {};
      body = next->body;
      m_shared.stats.republished += m_shared.outgoing.mark_sent().again;
    }
    SHOAL_TRY(c.publish(m_options.exchange, body, m_options.node_id));
  }
  more = true;
  return {};
}

void
AmqpIoThread::wait(AmqpConnection& c, bool write, milliseconds timeout)
{
  short events = static_cast<short>(POLLIN | (write ? POLLOUT : 0));
  pollfd fds[2] = {{m_shared.wakeup.fd(), POLLIN, 0}, {c.fd(), events, 0}};
  int n = ::poll(fds, 2, static_cast<int>(timeout.count()));
  if (n <= 0)
    return; // a timeout, or EINTR: the next step finds what there is
  if (fds[0].revents & POLLIN)
    m_shared.wakeup.clear();
  if (fds[1].revents & POLLIN)
    c.note_input();
}

void
AmqpIoThread::sleep(milliseconds d)
{
  auto until = clock::now() + d;
  while (!m_shared.stopping) {
    auto left = std::chrono::duration_cast<milliseconds>(until - clock::now());
    if (left.count() <= 0)
      return;
    pollfd p{m_shared.wakeup.fd(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) > 0)
      m_shared.wakeup.clear(); // a publish while disconnected: keep sleeping
  }
}

void
AmqpIoThread::post(std::vector<AmqpEvent> events)
{
  if (events.empty())
    return;
  {
    std::lock_guard lock(m_shared.mutex);
    for (auto& e : events)
      m_shared.events.push_back(std::move(e));
  }
  m_notify();
}

} // namespace shoal::odsrpcsync
