// The epoll loop. A connection's replies come back in request order, so its requests in flight
// (send time and key) are a ring: the oldest one belongs to the next reply.
#include "driver.hpp"

#include "tcp.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace shoal::bench {

namespace {

struct Sent {
  std::uint64_t ns = 0; // when it was queued, just before the send() that carried it
  std::uint64_t key = 0;
};

struct Conn : Socket {
  std::vector<Sent> sent; // ring of the requests in flight
  std::size_t head = 0;   // oldest request in flight
  std::size_t inflight = 0;
};

class Engine
{
public:
  explicit Engine(const Config& config)
      : m_config(config), m_codec(config.proto, config.channel, config.value_size),
        m_rng(config.seed | 1), m_scratch(256 * 1024)
  {
  }

  ~Engine()
  {
    for (Conn& c : m_conns)
      if (c.fd >= 0)
        close(c.fd);
    if (m_epoll >= 0)
      close(m_epoll);
  }

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Outcome run();

private:
  bool connect_all();
  void prebuild_batches();
  void top_up(Conn& c, std::uint64_t now);
  void flush(Conn& c);
  void on_readable(Conn& c);
  std::size_t consume(Conn& c, std::string_view in, std::uint64_t now);
  void complete(Conn& c, Reply::Kind kind, std::uint64_t now);
  void check_clock(std::uint64_t now);
  std::uint64_t next_key();
  void fail(std::string why);

  const Config& m_config;
  Codec m_codec;
  std::uint64_t m_rng;
  std::uint64_t m_next_key = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> m_batch; // (key, n) of a PutBatch
  std::vector<std::string> m_batches; // PutBatch requests built before the clock starts
  std::size_t m_next_batch = 0;
  std::vector<char> m_scratch;
  std::vector<Conn> m_conns;
  int m_epoll = -1;
  bool m_issuing = true;
  std::uint64_t m_issued = 0;
  std::uint64_t m_inflight = 0;
  std::uint64_t m_start = 0;
  std::uint64_t m_deadline = 0;       // stop issuing
  std::uint64_t m_drain_deadline = 0; // give up on the replies in flight
  std::uint64_t m_last_reply = 0;
  Outcome m_out;
};

Outcome
Engine::run()
{
  if (!connect_all())
    return std::move(m_out);
  prebuild_batches();
  m_start = m_last_reply = now_ns();
  m_deadline = m_start + to_ns(m_config.seconds);
  for (Conn& c : m_conns) {
    top_up(c, now_ns());
    flush(c);
  }
  epoll_event events[64];
  while (m_out.fatal.empty() && (m_issuing || m_inflight > 0)) {
    int n = epoll_wait(m_epoll, events, 64, 100);
    if (n < 0 && errno != EINTR)
      fail(std::string("epoll_wait: ") + std::strerror(errno));
    for (int i = 0; i < n && m_out.fatal.empty(); ++i) {
      Conn& c = m_conns[events[i].data.u32];
      if (events[i].events & EPOLLOUT)
        flush(c);
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        on_readable(c);
    }
    check_clock(now_ns());
  }
  m_out.errors += m_inflight; // lost to a fatal failure
  m_out.wall_seconds = static_cast<double>(m_last_reply - m_start) / 1e9;
  return std::move(m_out);
}

bool
Engine::connect_all()
{
  m_epoll = epoll_create1(EPOLL_CLOEXEC);
  if (m_epoll < 0) {
    fail(std::string("epoll_create1: ") + std::strerror(errno));
    return false;
  }
  m_conns.resize(m_config.conns);
  for (std::uint32_t i = 0; i < m_config.conns; ++i) {
    Conn& c = m_conns[i];
    c.sent.resize(m_config.depth);
    std::string error;
    c.fd = connect_tcp(m_config.host, m_config.port, error);
    if (c.fd < 0) {
      fail(error);
      return false;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = i;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
  }
  return true;
}

// PutBatch requests are built before the clock starts, as redis-benchmark builds its commands:
// compressing them is the client's work, which on one machine would take the node's CPU. A
// pool of distinct batches (every record its own value) is sent round-robin; the node checks,
// checksums and writes every record of every request all the same.
void
Engine::prebuild_batches()
{
  constexpr std::size_t pool = 256;
  if (m_config.batch_records == 0)
    return;
  m_batches.resize(std::min<std::uint64_t>(pool, m_config.ops));
  for (std::string& request : m_batches) {
    m_batch.clear();
    while (m_batch.size() < m_config.batch_records) {
      std::uint64_t n = m_next_key;
      m_batch.emplace_back(next_key(), n);
    }
    m_codec.encode_log_batch(m_batch, request);
  }
}

// Queues requests until the connection has `depth` in flight or the run's bounds are reached.
void
Engine::top_up(Conn& c, std::uint64_t now)
{
  while (m_issuing && c.inflight < m_config.depth) {
    if (m_issued == m_config.ops) {
      m_issuing = false;
      break;
    }
    std::uint64_t key = 0;
    if (!m_batches.empty()) {
      c.out += m_batches[m_next_batch++ % m_batches.size()];
    } else if (m_config.records_per_key > 0) {
      std::uint64_t n = m_next_key; // the record's number
      key = next_key();
      m_codec.encode_append(key, n, c.out);
    } else {
      key = next_key();
      m_codec.encode(m_config.op, key, c.out);
    }
    c.sent[(c.head + c.inflight) % m_config.depth] = {now, key};
    ++c.inflight;
    ++m_inflight;
    ++m_issued;
  }
}

// Hands c.out to the kernel; arms EPOLLOUT only while some of it is left over.
void
Engine::flush(Conn& c)
{
  if (auto error = flush_socket(m_epoll, static_cast<std::uint32_t>(&c - m_conns.data()), c);
      !error.empty())
    fail(error);
}

// One read per readiness event (level-triggered: epoll reports what is left next time).
void
Engine::on_readable(Conn& c)
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
Engine::consume(Conn& c, std::string_view in, std::uint64_t now)
{
  std::size_t pos = 0;
  while (pos < in.size() && m_out.fatal.empty()) {
    if (c.inflight == 0) {
      fail("the server sent a reply nobody asked for");
      break;
    }
    Reply reply = m_codec.parse(m_config.op, c.sent[c.head].key, in.substr(pos));
    if (reply.kind == Reply::Kind::need_more)
      break;
    if (reply.kind == Reply::Kind::malformed) {
      fail("malformed reply from the server");
      break;
    }
    pos += reply.consumed;
    complete(c, reply.kind, now);
  }
  return pos;
}

void
Engine::complete(Conn& c, Reply::Kind kind, std::uint64_t now)
{
  m_out.latency.add(now - c.sent[c.head].ns);
  c.head = (c.head + 1) % m_config.depth;
  --c.inflight;
  --m_inflight;
  ++m_out.ops;
  m_out.misses += kind == Reply::Kind::miss;
  m_out.errors += kind == Reply::Kind::error;
  m_last_reply = now;
}

void
Engine::check_clock(std::uint64_t now)
{
  if (m_issuing && now >= m_deadline)
    m_issuing = false;
  if (m_issuing)
    return;
  if (m_drain_deadline == 0)
    m_drain_deadline = now + to_ns(m_config.drain_seconds);
  if (m_inflight > 0 && now >= m_drain_deadline)
    fail("timed out waiting for " + std::to_string(m_inflight) + " replies");
}

// xorshift64*: cheap, and the same seed gives both servers the same keys.
std::uint64_t
Engine::next_key()
{
  if (m_config.records_per_key > 0) // a log: many records per second, seconds in order
    return m_config.key_base + m_next_key++ / m_config.records_per_key;
  if (m_config.sequential)
    return m_next_key++ % m_config.keys;
  m_rng ^= m_rng >> 12;
  m_rng ^= m_rng << 25;
  m_rng ^= m_rng >> 27;
  return (m_rng * 0x2545F4914F6CDD1DULL) % m_config.keys;
}

void
Engine::fail(std::string why)
{
  if (m_out.fatal.empty())
    m_out.fatal = std::move(why);
}

} // namespace

Outcome
run(const Config& config)
{
  return Engine(config).run();
}

} // namespace shoal::bench
