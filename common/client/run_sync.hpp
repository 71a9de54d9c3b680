// run_sync: drives the loop until one asynchronous request has answered, for command-line
// tools that do one thing at a time.
#pragma once

#include "client/reply.hpp"
#include "net/loop.hpp"

#include <functional>
#include <optional>

namespace shoal::client {

// Calls start with a callback, runs the loop until that callback has run, and returns what it
// was given. Other handles on the loop keep running meanwhile. If the loop runs out of work
// before the callback runs, returns an Errc::unavailable error.
template <class T>
Reply<T>
run_sync(net::Loop& loop, const std::function<void(Callback<T>)>& start)
{
  std::optional<Reply<T>> result;
  start([&loop, &result](Reply<T> reply) {
    result.emplace(std::move(reply));
    loop.stop();
  });
  while (!result) {
    loop.run();
    if (!result && !uv_loop_alive(loop.get()))
      return Reply<T>(core::make_error(core::Errc::unavailable, "the event loop ran out of work"));
  }
  return std::move(*result);
}

} // namespace shoal::client
