// A streaming reply (GetAll*, Listen, Consume) that occupies its connection until it ends: the
// session pumps it whenever the connection can take more output.
#pragma once

#include "net/connection.hpp"

#include <cstddef>

namespace shoal::server {

// LZO compression of a stream's record batches pays only while the link is slower than the
// node. A peer that has not yet taken this much of what was written to it (in our queue or
// the kernel's send queue) is behind: compress; otherwise send literal runs, which cost each
// side a copy. Well above what a keeping-up peer leaves queued between two batches or chunks,
// well below what a slow link leaves (the kernel's send buffer alone grows to megabytes).
inline constexpr std::size_t lagging_backlog = 2 << 20;

inline bool
peer_lags(const net::Connection& conn)
{
  return conn.backlog_bytes() > lagging_backlog;
}

class Stream
{
public:
  virtual ~Stream() = default;
  // Appends as much as the connection's write queue allows; returns true when the stream has
  // written its end marker and the connection may carry requests again.
  virtual bool pump(net::Connection& conn) = 0;
};

} // namespace shoal::server
