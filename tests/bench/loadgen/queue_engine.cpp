// The queue engine's loop. Like the key-value driver, a connection's replies come back in
// request order, so its requests in flight are a ring and the oldest one owns the next reply.
// A consumer's ring holds pops and (beanstalkd) the deletes of the jobs it reserved: at most
// depth of each, so the ring has room for 2 * depth.
#include "queue_engine.hpp"

#include "record.hpp"
#include "tcp.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace shoal::bench {

namespace {

constexpr std::uint64_t idle_wait_ns = 100'000'000; // epoll timeout with nobody backing off
constexpr double reply_grace_seconds = 5; // after the drain: how long replies in flight may take

double
seconds_between(std::uint64_t from, std::uint64_t to)
{
  return to > from ? static_cast<double>(to - from) / 1e9 : 0;
}

} // namespace

QueueEngine::QueueEngine(const QueueConfig& config,
                         QueueShared& shared,
                         unsigned producers,
                         unsigned consumers)
    : m_config(config), m_shared(shared), m_producers(producers),
      m_codec(config.proto, config.channel), m_conns(producers + consumers), m_scratch(256 * 1024),
      m_issuing(producers > 0), m_popping(consumers > 0)
{
  for (unsigned i = 0; i < m_conns.size(); ++i) {
    Conn& c = m_conns[i];
    c.producer = i < producers;
    c.ring.resize(c.producer ? config.depth : 2 * config.depth);
    c.backoff_ns = config.backoff_min_us * 1000;
    c.window = config.depth;
  }
  if (consumers > 0)
    m_seen.resize(config.ops);
}

QueueEngine::~QueueEngine()
{
  for (Conn& c : m_conns)
    if (c.fd >= 0)
      close(c.fd);
  if (m_epoll >= 0)
    close(m_epoll);
}

bool
QueueEngine::connect_all()
{
  m_epoll = epoll_create1(EPOLL_CLOEXEC);
  if (m_epoll < 0) {
    fail(std::string("epoll_create1: ") + std::strerror(errno));
    return false;
  }
  for (std::uint32_t i = 0; i < m_conns.size(); ++i) {
    std::string error;
    m_conns[i].fd = connect_tcp(m_config.host, m_config.port, error);
    if (m_conns[i].fd < 0) {
      fail(error);
      return false;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = i;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_conns[i].fd, &ev);
  }
  return true;
}

void
QueueEngine::run()
{
  std::uint64_t start = m_shared.start_ns;
  m_push_deadline = start + to_ns(m_config.seconds);
  m_last_event = start;
  std::uint64_t now = now_ns();
  for (Conn& c : m_conns) {
    top_up(c, now);
    flush(c);
  }
  while (!done()) {
    wait_events();
    now = now_ns();
    wake_consumers(now);
    check_clock(now);
  }
  m_out.push_seconds = seconds_between(start, m_last_push);
  m_out.consume_seconds = seconds_between(start, m_last_consume);
  m_out.wall_seconds = seconds_between(start, m_last_event);
  if (!m_out.fatal.empty())
    m_shared.abort = true;
}

bool
QueueEngine::done() const
{
  if (!m_out.fatal.empty() || m_shared.abort)
    return true;
  return !m_issuing && m_push_inflight == 0 && !m_popping && m_pop_inflight == 0;
}

// Waits for readiness, at most until the first backed-off consumer may pop again (epoll_pwait2:
// a backoff is well under epoll_wait's millisecond).
void
QueueEngine::wait_events()
{
  std::uint64_t wait = idle_wait_ns;
  if (m_backing_off > 0) {
    std::uint64_t now = now_ns();
    for (const Conn& c : m_conns)
      if (c.backoff_until != 0)
        wait = std::min(wait, c.backoff_until > now ? c.backoff_until - now : 0);
  }
  timespec timeout{static_cast<time_t>(wait / 1000000000u), static_cast<long>(wait % 1000000000u)};
  epoll_event events[64];
  int n = epoll_pwait2(m_epoll, events, 64, &timeout, nullptr);
  if (n < 0 && errno != EINTR)
    fail(std::string("epoll_pwait2: ") + std::strerror(errno));
  for (int i = 0; i < n && m_out.fatal.empty(); ++i) {
    Conn& c = m_conns[events[i].data.u32];
    if (events[i].events & EPOLLOUT)
      flush(c);
    if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
      on_readable(c);
  }
}

void
QueueEngine::top_up(Conn& c, std::uint64_t now)
{
  if (c.producer)
    top_up_producer(c, now);
  else
    top_up_consumer(c, now);
}

// Pushes until depth are in flight or the push bounds are reached.
void
QueueEngine::top_up_producer(Conn& c, std::uint64_t now)
{
  while (m_issuing && c.main_ops < m_config.depth) {
    if (m_issued == m_config.ops) {
      m_issuing = false;
      break;
    }
    m_record.clear();
    append_record({now, m_issued++}, m_config.value_size, m_record);
    m_codec.encode_push(m_record, c.out);
    queue(c, QueueOp::push, now);
  }
}

// Pops until its window is in flight, unless the consumer is backing off after an empty
// answer; a stream consumer asks once.
void
QueueEngine::top_up_consumer(Conn& c, std::uint64_t now)
{
  if (m_config.stream) {
    if (m_popping && !c.consume_sent) {
      m_codec.encode_consume(c.out);
      queue(c, QueueOp::consume, now);
      c.consume_sent = true;
    }
    return;
  }
  while (m_popping && c.backoff_until == 0 && c.main_ops < c.window) {
    m_codec.encode_pop(c.out);
    queue(c, QueueOp::pop, now);
  }
}

// Records a request just encoded into c.out as in flight.
void
QueueEngine::queue(Conn& c, QueueOp op, std::uint64_t now)
{
  c.ring[(c.head + c.inflight) % c.ring.size()] = {op, now};
  ++c.inflight;
  c.main_ops += op != QueueOp::del;
  ++(op == QueueOp::push ? m_push_inflight : m_pop_inflight);
}

// Hands c.out to the kernel; arms EPOLLOUT only while some of it is left over.
void
QueueEngine::flush(Conn& c)
{
  if (auto error = flush_socket(m_epoll, static_cast<std::uint32_t>(&c - m_conns.data()), c);
      !error.empty())
    fail(error);
}

// One read per readiness event (level-triggered: epoll reports what is left next time).
void
QueueEngine::on_readable(Conn& c)
{
  std::uint64_t now = 0; // when the replies came: just after the read that brought them
  auto error = read_socket(c, m_scratch, [&](std::string_view in) {
    now = now_ns();
    return consume(c, in, now);
  });
  if (!error.empty())
    return fail(error);
  if (now == 0)
    return; // nothing to read after all
  top_up(c, now);
  flush(c);
}

// Parses every whole reply at the front of in; returns the bytes they took.
std::size_t
QueueEngine::consume(Conn& c, std::string_view in, std::uint64_t now)
{
  std::size_t pos = 0;
  while (pos < in.size() && m_out.fatal.empty()) {
    if (c.streaming) {
      if (!consume_streamed(in, pos, now))
        break;
      continue;
    }
    if (c.inflight == 0) {
      fail("the server sent a reply nobody asked for");
      break;
    }
    QueueReply reply = m_codec.parse(c.ring[c.head].op, in.substr(pos));
    if (reply.kind == QueueReply::Kind::need_more)
      break;
    if (reply.kind == QueueReply::Kind::malformed) {
      fail("malformed reply from the server");
      break;
    }
    pos += reply.consumed;
    complete(c, reply, now);
  }
  return pos;
}

// One record of a Consume stream at in[pos]; false when it is not all there yet.
bool
QueueEngine::consume_streamed(std::string_view in, std::size_t& pos, std::uint64_t now)
{
  QueueReply reply = m_codec.parse_streamed(in.substr(pos));
  if (reply.kind == QueueReply::Kind::need_more)
    return false;
  if (reply.kind != QueueReply::Kind::ok) {
    fail(reply.kind == QueueReply::Kind::empty ? "the Consume stream ended: channel removed"
                                               : "malformed record in the Consume stream");
    return false;
  }
  pos += reply.consumed;
  m_last_event = now;
  on_record(reply.value, now);
  return true;
}

void
QueueEngine::complete(Conn& c, const QueueReply& reply, std::uint64_t now)
{
  QueueOp op = c.ring[c.head].op;
  c.head = (c.head + 1) % c.ring.size();
  --c.inflight;
  c.main_ops -= op != QueueOp::del;
  --(op == QueueOp::push ? m_push_inflight : m_pop_inflight);
  m_last_event = now;
  bool ok = reply.kind == QueueReply::Kind::ok;
  if (op == QueueOp::push && ok) {
    ++m_out.pushed;
    m_shared.pushed.fetch_add(1, std::memory_order_relaxed);
    m_last_push = now;
  } else if (op == QueueOp::pop && ok) {
    on_popped(c, reply, now);
  } else if (op == QueueOp::pop && reply.kind == QueueReply::Kind::empty) {
    on_empty(c, now);
  } else if (op == QueueOp::consume) {
    if (ok)
      c.streaming = true;
    else
      fail("the server refused Consume");
  } else if (!ok) {
    ++m_out.errors;
  }
}

// Widens the consumer's window and (beanstalkd) deletes the job the record came in.
void
QueueEngine::on_popped(Conn& c, const QueueReply& reply, std::uint64_t now)
{
  c.backoff_ns = m_config.backoff_min_us * 1000;
  c.window = std::min<std::size_t>(2 * c.window, m_config.depth);
  if (m_config.proto == QueueProto::beanstalk) {
    m_codec.encode_delete(reply.job, c.out);
    queue(c, QueueOp::del, now);
  }
  on_record(reply.value, now);
}

// Checks a record taken from the queue and counts it once.
void
QueueEngine::on_record(std::string_view value, std::uint64_t now)
{
  auto header = check_record(value, m_config.value_size);
  if (!header || header->seq >= m_seen.size()) {
    ++m_out.errors;
    return;
  }
  if (m_seen[header->seq]) {
    ++m_out.duplicates;
    ++m_out.errors;
    return;
  }
  m_seen[header->seq] = true;
  ++m_out.consumed;
  m_out.latency.add(now > header->sent_ns ? now - header->sent_ns : 0);
  m_last_consume = now;
}

// The queue was empty: pop again only after a wait, doubling while the queue stays empty, and
// with one pop in flight, doubling again with every record (as TCP's slow start), so that
// idle consumers do not take the CPU from the server and the producers: a consumer at depth
// 64 would otherwise get 64 empty answers per wait.
void
QueueEngine::on_empty(Conn& c, std::uint64_t now)
{
  ++m_out.empty_polls;
  c.window = 1;
  if (c.backoff_until == 0) {
    c.backoff_until = now + c.backoff_ns;
    ++m_backing_off;
  }
  c.backoff_ns = std::min(2 * c.backoff_ns, m_config.backoff_max_us * 1000);
}

void
QueueEngine::wake_consumers(std::uint64_t now)
{
  if (m_backing_off == 0)
    return;
  for (Conn& c : m_conns) {
    if (c.backoff_until == 0 || c.backoff_until > now)
      continue;
    c.backoff_until = 0;
    --m_backing_off;
    top_up(c, now);
    flush(c);
  }
}

// The run's bounds: stop pushing at the deadline; once every push is answered, pop until all
// pushed records are back or the drain bound passes; never wait forever for a reply.
void
QueueEngine::check_clock(std::uint64_t now)
{
  if (m_issuing && now >= m_push_deadline)
    m_issuing = false;
  bool pushes_over = !m_issuing && m_push_inflight == 0;
  if (m_producers > 0 && pushes_over)
    m_shared.pushing_done = true;
  if (!m_issuing && m_push_inflight > 0 && now >= m_push_deadline + to_ns(m_config.drain_seconds))
    return fail("timed out waiting for " + std::to_string(m_push_inflight) + " push replies");
  if (m_popping && m_shared.pushing_done) {
    if (m_drain_deadline == 0)
      m_drain_deadline = now + to_ns(m_config.drain_seconds);
    if (m_out.consumed >= m_shared.pushed || now >= m_drain_deadline)
      m_popping = false;
  }
  if (!m_popping && m_pop_inflight > 0 && m_drain_deadline != 0 &&
      now >= m_drain_deadline + to_ns(reply_grace_seconds))
    fail("timed out waiting for " + std::to_string(m_pop_inflight) + " pop replies");
}

void
QueueEngine::fail(std::string why)
{
  if (m_out.fatal.empty())
    m_out.fatal = std::move(why);
}

} // namespace shoal::bench
