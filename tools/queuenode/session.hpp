// Session: one client connection to a queuenode: the shared swarm session with the queue codec
// and command table, Produce streams (read with back-pressure when a queue is full), and, in
// durable mode, replies held back until the records they acknowledge are on disk.
#pragma once

#include "channels.hpp"
#include "server/swarm_session.hpp"

#include "proto/queue_request.hpp"
#include "proto/queue_response.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace shoal::queuenode {

class Node;

class Session : public server::SwarmSession, public SpaceWaiter
{
public:
  Session(Node& node, net::Connection& conn);
  ~Session() override;

  Node& node() { return m_node; }
  // Appends a response (status and, when Ok, the command's fields) and counts errors.
  void reply(proto::QueueCommand command, const proto::Response& response);
  // Durable mode: the reply written next acknowledges journal entry seq; it (and every reply
  // after it) is held until the journal is synced that far.
  void ack_after(std::uint64_t seq) { m_ack_seq = seq; }
  // The journal is durable up to synced: send the replies that waited for it.
  void release_acks(std::uint64_t synced);
  // Reads the records of a Produce stream into channels until the client ends it.
  void start_producing(std::vector<std::string> channels);

  std::string& reply_buffer() override;
  void on_space() override { release_input(); }

protected:
  proto::DecodeResult handle_next(std::string_view input) override;

private:
  proto::DecodeResult produce_next(std::string_view input);

  // Replies that wait for the journal: each entry is sent once synced reaches its seq.
  struct HeldReplies {
    std::uint64_t seq;
    std::string bytes;
  };

  Node& m_node;
  proto::QueueRequest m_request;        // reused to keep its vector's capacity
  std::vector<std::string> m_producing; // the channels of the Produce stream in progress
  std::deque<HeldReplies> m_held;       // durable mode: replies not yet sent
  std::uint64_t m_ack_seq = 0;          // what the reply being written waits for
};

} // namespace shoal::queuenode
