// The load generator's socket plumbing, shared by its engines: connecting, the monotonic clock,
// and the buffered I/O of one non-blocking connection on a level-triggered epoll set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::bench {

// Connects to host:port (IPv4; a blocking connect, immediate on loopback), then makes the
// socket non-blocking with Nagle off. Returns the descriptor, or -1 with error set.
int connect_tcp(const std::string& host, std::uint16_t port, std::string& error);

// CLOCK_MONOTONIC in nanoseconds.
std::uint64_t now_ns();
inline std::uint64_t
to_ns(double seconds)
{
  return static_cast<std::uint64_t>(seconds * 1e9);
}

// The bytes of one connection in each direction.
struct Socket {
  int fd = -1;
  std::string out; // requests not yet accepted by the kernel, from out_off on
  std::size_t out_off = 0;
  bool polling_out = false; // EPOLLOUT is armed: out has bytes the kernel did not take
  std::string in;           // the start of a reply whose end has not arrived yet
};

// Hands s.out to the kernel; arms EPOLLOUT (with tag as the event's data) only while some of it
// is left over. Returns "" or why the connection failed.
std::string flush_socket(int epoll, std::uint32_t tag, Socket& s);

// One read per readiness event (level-triggered: epoll reports what is left next time). Whole
// replies go to parse(std::string_view) -> bytes it used; a partial one waits in s.in.
// Returns "" (data, or nothing to read yet) or why the connection failed.
template <class Parse>
std::string read_socket(Socket& s, std::vector<char>& scratch, Parse&& parse);

// read(2) into scratch: > 0 bytes, 0 for nothing yet; -1 with error set when the connection
// failed or closed.
long read_some(int fd, std::vector<char>& scratch, std::string& error);

template <class Parse>
std::string
read_socket(Socket& s, std::vector<char>& scratch, Parse&& parse)
{
  std::string error;
  long n = read_some(s.fd, scratch, error);
  if (n <= 0)
    return error;
  std::string_view got(scratch.data(), static_cast<std::size_t>(n));
  if (s.in.empty()) { // the usual case: parse in place, keep only a partial reply
    std::size_t used = parse(got);
    s.in.assign(got.substr(used));
  } else {
    s.in.append(got);
    s.in.erase(0, parse(std::string_view(s.in)));
  }
  return {};
}

} // namespace shoal::bench
