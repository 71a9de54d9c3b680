// SpreadProducer: a Produce stream to a whole queue, one Producer per node, each record sent to
// the next node in turn that can take it, so that a slow node gets fewer records rather than
// holding the others back.
#pragma once

#include "client/queue_producer.hpp"
#include "client/reply.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace shoal::client {

// A node whose stream fails is left out from then on (records already sent to it may be lost:
// the protocol does not acknowledge them) and the others go on; done reports the first failure
// once every part has ended, or at once when the last part still open fails. Destroying it
// closes every part (done does not run); it must be destroyed before its Loop.
class SpreadProducer
{
public:
  // Opens part i of nodes with part_done as its done callback.
  using OpenFn = std::function<std::unique_ptr<Producer>(std::size_t node, DoneCallback part_done)>;

  SpreadProducer(std::size_t nodes, const OpenFn& open, DoneCallback done);
  SpreadProducer(const SpreadProducer&) = delete;
  SpreadProducer& operator=(const SpreadProducer&) = delete;
  ~SpreadProducer();

  // Queues a record (not empty) on the next node in turn that is writable (or, when none is,
  // on the next one still open). Ignored once finishing or ended.
  void push(std::string_view value);
  // True while some node can take more (see Producer::writable).
  bool writable() const;
  // fn runs when a node becomes writable again after writable() was seen false.
  void on_writable(std::function<void()> fn) { m_on_writable = std::move(fn); }
  // Ends every part's stream (see Producer::finish); done runs when all have ended.
  void finish();

  // Parts (one per node) and the part of node i.
  std::size_t size() const { return m_parts.size(); }
  const Producer& part(std::size_t i) const { return *m_parts[i].producer; }
  // Records pushed so far, on all nodes.
  std::uint64_t records() const;

private:
  struct Part {
    std::unique_ptr<Producer> producer;
    bool ended = false;
  };
  void part_done(std::size_t node, Reply<void> reply);
  void part_writable();

  std::vector<Part> m_parts;
  std::size_t m_next = 0;
  std::size_t m_open = 0; // parts not ended
  bool m_finishing = false;
  mutable bool m_blocked = false;
  std::optional<Reply<void>> m_failure;
  DoneCallback m_done;
  std::function<void()> m_on_writable;
};

} // namespace shoal::client
