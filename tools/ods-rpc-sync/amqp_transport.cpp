// AmqpTransport: the loop thread's side. publish/ack/reject queue work for the I/O thread and
// wake it; the I/O thread's events come back through a net::Async and reach the handler here.
#include "amqp_transport.hpp"

#include "amqp_io_thread.hpp"
#include "amqp_shared.hpp"

#include <stdexcept>

namespace shoal::odsrpcsync {

namespace {

AmqpUrl
checked_url(const AmqpOptions& opts)
{
  if (auto st = validate_amqp_options(opts); !st)
    throw std::invalid_argument(st.error().message);
  return parse_amqp_url(opts.url).value();
}

} // namespace

AmqpTransport::AmqpTransport(net::Loop& loop, AmqpOptions opts)
    : m_loop(loop), m_options(std::move(opts)), m_url(checked_url(m_options)),
      m_shared(std::make_unique<AmqpShared>(m_options.buffer_limit))
{
  if (!m_shared->wakeup.ok())
    throw std::runtime_error("amqp: cannot create an eventfd");
}

AmqpTransport::~AmqpTransport()
{
  stop();
}

void
AmqpTransport::start(Handler& handler)
{
  if (m_io || m_stopped)
    return;
  m_handler = &handler;
  m_async = std::make_unique<net::Async>(m_loop, [this] { deliver_events(); });
  m_io = std::make_unique<AmqpIoThread>(m_options, *m_shared, [this] { m_async->send(); });
  m_io->start();
}

void
AmqpTransport::publish(std::string body, bool joinable)
{
  {
    std::lock_guard lock(m_shared->mutex);
    ++m_shared->stats.published;
    if (m_stopped)
      ++m_shared->stats.dropped;
    else
      m_shared->stats.dropped += m_shared->outgoing.push(std::move(body), joinable);
  }
  m_shared->wakeup.signal();
}

void
AmqpTransport::ack(std::uint64_t tag)
{
  send_tag_command(tag, false);
}

void
AmqpTransport::reject(std::uint64_t tag)
{
  send_tag_command(tag, true);
}

void
AmqpTransport::send_tag_command(std::uint64_t tag, bool reject)
{
  if (m_stopped)
    return;
  {
    std::lock_guard lock(m_shared->mutex);
    m_shared->tag_commands.push_back(AmqpTagCommand{tag, reject});
  }
  m_shared->wakeup.signal();
}

void
AmqpTransport::stop()
{
  if (m_stopped)
    return;
  m_stopped = true;
  m_shared->stopping = true;
  m_shared->wakeup.signal();
  if (m_io)
    m_io->join(); // the thread's last notify() may still use m_async: destroy it after
  m_io.reset();
  m_async.reset();
  m_connected = false;
  std::lock_guard lock(m_shared->mutex);
  m_shared->events.clear();
}

std::string
AmqpTransport::describe() const
{
  return describe_amqp_url(m_url);
}

const TransportStats&
AmqpTransport::stats() const
{
  std::lock_guard lock(m_shared->mutex);
  m_stats = m_shared->stats;
  return m_stats;
}

void
AmqpTransport::deliver_events()
{
  std::vector<AmqpEvent> events;
  {
    std::lock_guard lock(m_shared->mutex);
    events.swap(m_shared->events);
  }
  for (AmqpEvent& e : events) {
    if (m_stopped)
      return; // the handler stopped us: nothing more reaches it
    switch (e.kind) {
    case AmqpEvent::Kind::connected:
      m_connected = true;
      m_handler->on_connected();
      break;
    case AmqpEvent::Kind::disconnected:
      m_connected = false;
      m_handler->on_disconnected(e.text);
      break;
    case AmqpEvent::Kind::delivery: {
      std::lock_guard lock(m_shared->mutex);
      ++m_shared->stats.received;
    }
      m_handler->on_message(e.text, e.tag);
      break;
    }
  }
}

} // namespace shoal::odsrpcsync
