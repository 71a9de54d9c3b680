// NodeSet: the clients of a set of nodes (NodeClient for a DHT, QueueNodeClient for a queue)
// and the requests both kinds of node answer alike, asked of every node at once. Dht and Queue
// build on it.
#pragma once

#include "client/answers.hpp"
#include "client/gather.hpp"
#include "client/node_options.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::client {

template <class Node> class NodeSet
{
public:
  NodeSet(const NodeSet&) = delete;
  NodeSet& operator=(const NodeSet&) = delete;

  std::size_t size() const { return m_nodes.size(); }
  // The client of node i (in the order given to the constructor).
  Node& node(std::size_t i) { return *m_nodes[i]; }

  // The union of every node's channels, sorted.
  void get_channels(Callback<std::vector<std::string>> cb)
  {
    ask_all<std::vector<std::string>>([](Node& node, auto done) { node.get_channels(done); },
                                      collect_union(std::move(cb)));
  }
  // Every node's size (in node order); empty channel = all channels.
  void get_sizes(std::string_view channel, Callback<std::vector<NodeSize>> cb)
  {
    ask_all<NodeSize>(
        [channel = std::string(channel)](Node& node, Callback<NodeSize> done) {
          if (channel.empty())
            node.get_size(done);
          else
            node.get_channel_size(channel, done);
        },
        collect<NodeSize>(std::move(cb)));
  }
  // Removes channel from every node.
  void remove_channel(std::string_view channel, Callback<void> cb)
  {
    ask_all<void>([channel = std::string(channel)](
                      Node& node, Callback<void> done) { node.remove_channel(channel, done); },
                  collect_status(std::move(cb)));
  }
  // Every node's stats lines (in node order).
  void get_stats(Callback<std::vector<std::vector<std::string>>> cb)
  {
    using Lines = std::vector<std::string>;
    ask_all<Lines>([](Node& node, Callback<Lines> done) { node.get_stats(done); },
                   collect<Lines>(std::move(cb)));
  }

protected:
  // One client per node; opts apply to every node.
  NodeSet(net::Loop& loop, const std::vector<net::Endpoint>& nodes, const NodeClientOptions& opts)
  {
    for (const auto& node : nodes)
      m_nodes.push_back(std::make_unique<Node>(loop, node, opts));
  }
  // Not deleted through a pointer to the base: no virtual destructor needed.
  ~NodeSet() = default;

  // Sends the request started by ask to every node in parallel; done gets the replies in node
  // order (see gather).
  template <class T>
  void ask_all(const std::function<void(Node&, Callback<T>)>& ask,
               std::function<void(std::vector<Reply<T>>)> done)
  {
    gather<T>(
        m_nodes.size(), [&](std::size_t i, Callback<T> cb) { ask(*m_nodes[i], std::move(cb)); },
        std::move(done));
  }

  std::vector<std::unique_ptr<Node>> m_nodes;
};

} // namespace shoal::client
