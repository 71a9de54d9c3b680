// Connecting, the clock, and buffered non-blocking I/O for the load generator.
#include "tcp.hpp"

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

namespace shoal::bench {

int
connect_tcp(const std::string& host, std::uint16_t port, std::string& error)
{
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    error = "not an IPv4 address: " + host;
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    error = "connect to " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    if (fd >= 0)
      close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

std::uint64_t
now_ns()
{
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string
flush_socket(int epoll, std::uint32_t tag, Socket& s)
{
  while (s.out_off < s.out.size()) {
    ssize_t n = send(s.fd, s.out.data() + s.out_off, s.out.size() - s.out_off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      break;
    if (n < 0)
      return std::string("send: ") + std::strerror(errno);
    s.out_off += static_cast<std::size_t>(n);
  }
  bool pending = s.out_off < s.out.size();
  if (!pending) {
    s.out.clear();
    s.out_off = 0;
  }
  if (pending != s.polling_out) {
    epoll_event ev{};
    ev.events = pending ? EPOLLIN | EPOLLOUT : EPOLLIN;
    ev.data.u32 = tag;
    epoll_ctl(epoll, EPOLL_CTL_MOD, s.fd, &ev);
    s.polling_out = pending;
  }
  return {};
}

long
read_some(int fd, std::vector<char>& scratch, std::string& error)
{
  ssize_t n = read(fd, scratch.data(), scratch.size());
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return 0;
  if (n == 0)
    error = "the server closed a connection";
  else if (n < 0)
    error = std::string("read: ") + std::strerror(errno);
  return n <= 0 ? -1 : n;
}

} // namespace shoal::bench
