// run_scan: a blocking socket is enough for one stream; reads in 4 MiB gulps.
#include "scan.hpp"

#include "tcp.hpp"

#include "core/hex.hpp"
#include "proto/batch.hpp"
#include "proto/request.hpp"
#include "proto/wire.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace shoal::bench {

namespace {

// Reads from fd until buf holds at least n bytes after pos; false at EOF or an error.
bool
fill(int fd, std::string& buf, std::size_t& pos, std::size_t n, ScanOutcome& out)
{
  if (pos > (1u << 22) && pos > buf.size() / 2) {
    buf.erase(0, pos);
    pos = 0;
  }
  while (buf.size() - pos < n) {
    char chunk[1 << 16];
    ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      out.fatal = got == 0 ? "the node closed the connection" : std::strerror(errno);
      return false;
    }
    out.wire_bytes += static_cast<std::uint64_t>(got);
    buf.append(chunk, static_cast<std::size_t>(got));
  }
  return true;
}

std::uint64_t
u64_at(const std::string& buf, std::size_t pos)
{
  std::uint64_t v = 0;
  std::memcpy(&v, buf.data() + pos, sizeof v);
  return v;
}

} // namespace

ScanOutcome
run_scan(const ScanConfig& config)
{
  ScanOutcome out;
  std::string error;
  int fd = connect_tcp(config.host, config.port, error);
  if (fd < 0) {
    out.fatal = error;
    return out;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK); // one stream: block
  timeval tv{static_cast<time_t>(config.seconds), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char lo[core::key_hex_digits], hi[core::key_hex_digits];
  core::format_key(config.min, lo);
  core::format_key(config.max, hi);
  proto::Request r;
  r.command = proto::Command::get_range;
  r.channel = config.channel;
  r.key = std::string_view(lo, sizeof lo);
  r.key_max = std::string_view(hi, sizeof hi);
  std::string request;
  proto::encode_request(r, request);
  std::uint64_t start = now_ns();
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string buf, raw;
  std::size_t pos = 0;
  if (!fill(fd, buf, pos, 4, out)) {
    ::close(fd);
    return out;
  }
  std::int32_t status = 0;
  std::memcpy(&status, buf.data(), 4);
  pos = 4;
  if (status != 200) {
    out.fatal = "GetRange answered status " + std::to_string(status);
    ::close(fd);
    return out;
  }
  for (;;) {
    if (!fill(fd, buf, pos, 8, out))
      break;
    std::uint64_t len = u64_at(buf, pos);
    if (len == 0) { // the end of the stream
      out.wall_seconds = static_cast<double>(now_ns() - start) / 1e9;
      break;
    }
    if (!fill(fd, buf, pos, 8 + len, out))
      break;
    std::string_view payload(buf.data() + pos + 8, len);
    pos += 8 + len;
    if (!proto::decompress_batch(payload, 64 << 20, raw)) {
      out.fatal = "a batch does not decompress";
      break;
    }
    out.raw_bytes += raw.size();
    proto::BatchReader records(raw);
    std::string_view key, value;
    while (records.next_pair(key, value)) {
      ++out.records;
      out.value_bytes += value.size();
    }
  }
  ::close(fd);
  return out;
}

} // namespace shoal::bench
