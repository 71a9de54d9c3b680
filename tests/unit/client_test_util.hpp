// Helpers of the client unit tests: feeding wire bytes to a stream decoder in chunks as a
// Session would, and running a loop until a condition holds.
#pragma once

#include "client/pending.hpp"
#include "net/loop.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::test {

// Feeds wire to a stream decoder, cut at the offsets of cuts, the way a Session does; returns
// the outcome of the last parse.
inline client::Parse
feed(client::Pending& stream, std::string_view wire, const std::vector<std::size_t>& cuts)
{
  client::NodeClientOptions opts;
  bool closed = false;
  std::string node = "127.0.0.1:1";
  client::ParseContext ctx{node, opts, closed};
  std::string buffer;
  std::size_t at = 0;
  client::Parse last = client::Parse::need_more;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    std::size_t end = i < cuts.size() ? cuts[i] : wire.size();
    buffer.append(wire.substr(at, end - at));
    at = end;
    for (;;) {
      std::size_t consumed = 0;
      last = stream.parse(buffer, consumed, ctx);
      buffer.erase(0, consumed);
      if (last != client::Parse::need_more || consumed == 0 || buffer.empty())
        break;
    }
    if (last != client::Parse::need_more)
      break;
  }
  return last;
}

// Runs the loop until done() holds, or fails the test after timeout_ms.
inline void
run_until(net::Loop& loop, const std::function<bool()>& done, std::uint64_t timeout_ms = 5000)
{
  net::Timer poll(loop);
  std::uint64_t start = loop.now();
  poll.start(1, 1, [&] {
    if (done() || loop.now() - start > timeout_ms)
      loop.stop();
  });
  loop.run();
  REQUIRE(done());
}

} // namespace shoal::test
