// The epoll loop. A connection's replies come back in request order, so its requests in flight
// (send time and key) are a ring: the oldest one belongs to the next reply.
#include "driver.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

namespace shoal::bench {

namespace {

std::uint64_t
now_ns()
{
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::uint64_t
to_ns(double seconds)
{
  return static_cast<std::uint64_t>(seconds * 1e9);
}

struct Sent {
  std::uint64_t ns = 0; // when it was queued, just before the send() that carried it
  std::uint64_t key = 0;
};

struct Conn {
  int fd = -1;
  std::string out; // requests not yet accepted by the kernel, from out_off on
  std::size_t out_off = 0;
  std::string in;         // the start of a reply whose end has not arrived yet
  std::vector<Sent> sent; // ring of the requests in flight
  std::size_t head = 0;   // oldest request in flight
  std::size_t inflight = 0;
  bool polling_out = false; // EPOLLOUT is armed: out has bytes the kernel did not take
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
  bool connect_one(const sockaddr_in& addr, std::uint32_t index);
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
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(m_config.port);
  if (inet_pton(AF_INET, m_config.host.c_str(), &addr.sin_addr) != 1) {
    fail("not an IPv4 address: " + m_config.host);
    return false;
  }
  m_epoll = epoll_create1(EPOLL_CLOEXEC);
  if (m_epoll < 0) {
    fail(std::string("epoll_create1: ") + std::strerror(errno));
    return false;
  }
  m_conns.resize(m_config.conns);
  for (std::uint32_t i = 0; i < m_config.conns; ++i)
    if (!connect_one(addr, i))
      return false;
  return true;
}

// Blocking connect (loopback: immediate), then non-blocking I/O with Nagle off.
bool
Engine::connect_one(const sockaddr_in& addr, std::uint32_t index)
{
  Conn& c = m_conns[index];
  c.sent.resize(m_config.depth);
  c.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c.fd < 0 || connect(c.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    fail("connect to " + m_config.host + ":" + std::to_string(m_config.port) + ": " +
         std::strerror(errno));
    return false;
  }
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u32 = index;
  epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
  return true;
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
    std::uint64_t key = next_key();
    m_codec.encode(m_config.op, key, c.out);
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
  while (c.out_off < c.out.size()) {
    ssize_t n = send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      break;
    if (n < 0)
      return fail(std::string("send: ") + std::strerror(errno));
    c.out_off += static_cast<std::size_t>(n);
  }
  bool pending = c.out_off < c.out.size();
  if (!pending) {
    c.out.clear();
    c.out_off = 0;
  }
  if (pending != c.polling_out) {
    epoll_event ev{};
    ev.events = pending ? EPOLLIN | EPOLLOUT : EPOLLIN;
    ev.data.u32 = static_cast<std::uint32_t>(&c - m_conns.data());
    epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    c.polling_out = pending;
  }
}

// One read per readiness event (level-triggered: epoll reports what is left next time).
void
Engine::on_readable(Conn& c)
{
  ssize_t n = read(c.fd, m_scratch.data(), m_scratch.size());
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0)
    return fail(n == 0 ? "the server closed a connection"
                       : std::string("read: ") + std::strerror(errno));
  std::uint64_t now = now_ns();
  std::string_view got(m_scratch.data(), static_cast<std::size_t>(n));
  if (c.in.empty()) { // the usual case: parse in place, keep only a partial reply
    std::size_t used = consume(c, got, now);
    c.in.assign(got.substr(used));
  } else {
    c.in.append(got);
    c.in.erase(0, consume(c, c.in, now));
  }
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
