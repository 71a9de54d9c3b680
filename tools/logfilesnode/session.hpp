// Session: one client connection to a logfilesnode: the shared swarm session with the log
// requests, and replies to writes held back until the writer thread reports their records
// written (with --sync: on disk). Replies keep their order: one held reply holds every reply
// after it.
#pragma once

#include "server/swarm_session.hpp"

#include "proto/request.hpp"
#include "proto/response.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace shoal::logfilesnode {

class Node;

class Session : public server::SwarmSession
{
public:
  Session(Node& node, net::Connection& conn);
  ~Session() override;

  Node& node() { return m_node; }
  // Appends a response (status and, when Ok, the command's fields) and counts errors.
  void reply(proto::Command command, const proto::Response& response);
  // The reply to the request being handled is Ok once the writer operations first..last are
  // done, Error if one of them failed.
  void reply_after(std::uint64_t first, std::uint64_t last);
  // The writer has done everything up to done, except failed (sorted): send what waited.
  void release(std::uint64_t done, const std::vector<std::uint64_t>& failed);

  std::string& reply_buffer() override;

protected:
  proto::DecodeResult handle_next(std::string_view input) override;

private:
  struct Held {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::string after; // replies to the requests that followed, sent with it
  };

  Node& m_node;
  proto::Request m_request;
  std::deque<Held> m_held;
};

} // namespace shoal::logfilesnode
