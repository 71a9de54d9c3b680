// Redistributor: the Redistribute request (specs/swarm.md §1.3). The node adopts its new range
// at once, then sends every record now outside it to the node of the request's list whose
// range covers it, in PutBatch requests, and removes what those nodes accepted. A failed send
// is retried after 2 s. The requester gets its answer when every channel has been gone through.
#pragma once

#include "proto/request.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace shoal::dhtnode {

class Node;

class Redistributor
{
public:
  explicit Redistributor(Node& node);
  ~Redistributor();

  bool running() const { return m_run != nullptr; }
  // Starts moving records to targets; done(ok, message) runs when every channel was gone
  // through (ok) or when targets could not be used (not ok). Only one runs at a time.
  void start(const std::vector<proto::NodeRange>& targets,
             std::function<void(bool, const std::string&)> done);
  // Abandons a redistribution (shutdown); records not sent yet stay here.
  void stop();
  // While running, PutBatch is refused once the node grew past 1.1 x its size at the start
  // (records arriving from other nodes faster than this one sends its own away).
  bool refuses(std::uint64_t extra_bytes) const;

  class Run; // one redistribution in progress (redistribute.cpp)

private:
  Node& m_node;
  std::unique_ptr<Run> m_run;
};

} // namespace shoal::dhtnode
