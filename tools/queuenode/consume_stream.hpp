// ConsumeStream: a Consume request's stream of records (arrays), taken from one queue while the
// connection can take them; competing consumers of a queue share its records, each record
// going to one of them. An empty array ends the stream when the channel is removed.
#pragma once

#include "channels.hpp"
#include "server/stream.hpp"

#include <string>

namespace shoal::queuenode {

class Node;
class Session;

class ConsumeStream : public server::Stream, public Consumer
{
public:
  // Records handed to a connection whose queue holds this much wait for it to drain: what is
  // written is gone from the queue, so a consumer that vanishes loses at most about this.
  static constexpr std::size_t window = 1 << 20;

  ConsumeStream(Session& session, std::string channel);
  // The subscription the stream takes records from (once subscribed).
  void attach(Subscription* subscription) { m_subscription = subscription; }
  ~ConsumeStream() override;

  bool pump(net::Connection& conn) override;
  void on_records() override;
  void on_removed() override;

private:
  Session& m_session;
  Node& m_node; // not through m_session: the stream outlives the Session part of it
  std::string m_channel;
  Subscription* m_subscription = nullptr; // null once the channel is removed
};

} // namespace shoal::queuenode
