// A streaming reply (GetAll*, Listen, Consume) that occupies its connection until it ends: the
// session pumps it whenever the connection can take more output.
#pragma once

#include "net/connection.hpp"

namespace shoal::server {

class Stream
{
public:
  virtual ~Stream() = default;
  // Appends as much as the connection's write queue allows; returns true when the stream has
  // written its end marker and the connection may carry requests again.
  virtual bool pump(net::Connection& conn) = 0;
};

} // namespace shoal::server
