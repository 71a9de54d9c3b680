// Redistributor: the Redistribute request (specs/swarm.md §1.3). The node adopts its new range
// at once, then sends every record now outside it to the node of the request's list that
// covers it (PutBatch), removing what was accepted; a failed send is retried after 2 s.
#pragma once

#include "proto/request.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace shoal::dhtnode {

class Node;

class Redistributor
{
public:
  explicit Redistributor(Node& node);
  ~Redistributor();

  bool running() const;
  // Starts moving records to targets; done(ok) runs when every channel was gone through.
  void start(const std::vector<proto::NodeRange>& targets, std::function<void(bool)> done);
  // Abandons a redistribution (shutdown); records not sent yet stay here.
  void stop();
  // While running, PutBatch is refused once the node grew past 1.1 x its size at the start
  // (records arrive from other nodes faster than this one sends its own away).
  bool refuses(std::uint64_t extra_bytes) const;

private:
  struct State;
  Node& m_node;
  std::unique_ptr<State> m_state;
};

} // namespace shoal::dhtnode
