// MultiStreams: one stream per node, started together and ended together, so that a client of
// many nodes (Dht, Queue) can offer a stream of the whole set as one.
#pragma once

#include "client/reply.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace shoal::client {

// done runs once every part has ended, with the first failure; a failure cancels the parts
// still running (an incomplete merge is useless). Callbacks never run inside start().
class MultiStreams
{
public:
  // Starts node i's part with part_done as its DoneCallback and returns its StreamId.
  using StartFn = std::function<StreamId(std::size_t node, DoneCallback part_done)>;
  // Cancels node i's part.
  using CancelFn = std::function<void(std::size_t node, StreamId part)>;

  explicit MultiStreams(CancelFn cancel) : m_cancel(std::move(cancel)) {}
  MultiStreams(const MultiStreams&) = delete;
  MultiStreams& operator=(const MultiStreams&) = delete;

  // Starts a part on each of nodes nodes; done gets the outcome of them all.
  StreamId start(std::size_t nodes, const StartFn& start, DoneCallback done);
  // Cancels every part still running; done does not run. Unknown ids are ignored.
  void cancel(StreamId id);
  // Multi-streams running.
  std::size_t running() const { return m_multis.size(); }

private:
  struct Multi {
    std::vector<StreamId> parts; // per node; 0 once that node's part has ended
    std::size_t running = 0;
    std::optional<Reply<void>> failure;
    DoneCallback done;
  };
  void part_done(StreamId id, std::size_t node, Reply<void> reply);

  CancelFn m_cancel;
  std::map<StreamId, std::unique_ptr<Multi>> m_multis;
  StreamId m_next = 1;
};

} // namespace shoal::client
