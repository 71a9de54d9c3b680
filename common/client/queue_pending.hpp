// The Consume stream of the queue protocol (specs/swarm.md §4.4): a status, then value arrays
// until an empty one (the channel was removed). Decoded here for QueueNodeClient.
#pragma once

#include "client/pending.hpp"
#include "client/reply.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace shoal::client {

// Receives one record of a Consume stream; the view lives until the callback returns.
using ValueCallback = std::function<void(std::string_view value)>;
// Told that the node accepted a stream: for a Consume, the subscription exists from then on, so
// every record pushed afterwards reaches it.
using StartedCallback = std::function<void()>;

// A Consume request and its stream. on_started (if set) runs when the node has answered Ok,
// before any value; each value goes to on_value as soon as it is complete; done gets Ok when
// the node ends the stream, or the failure.
class ConsumeStream final : public StreamPending
{
public:
  ConsumeStream(std::string request,
                ValueCallback on_value,
                DoneCallback done,
                StartedCallback on_started = {});

private:
  void started() override;
  Parse
  parse_items(std::string_view input, std::size_t& consumed, const ParseContext& ctx) override;

  ValueCallback m_on_value;
  StartedCallback m_on_started;
};

} // namespace shoal::client
