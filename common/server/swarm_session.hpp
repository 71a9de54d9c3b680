// SwarmSession: what every swarm node's connection does whatever its requests: authenticate
// (when the node has credentials), decode pipelined requests, skip oversized values and answer
// them, run one streaming reply at a time, hold input while the node cannot take more, and
// stop reading a client that does not read its replies. A node subclasses it with its codec
// and its command table (handle_next).
#pragma once

#include "crypto/credentials.hpp"
#include "server/pumper.hpp"
#include "server/stream.hpp"

#include "net/connection.hpp"
#include "net/loop.hpp"
#include "proto/auth.hpp"
#include "proto/codes.hpp"
#include "proto/request.hpp"

#include <cstdint>
#include <memory>
#include <optional>

namespace shoal::server {

// Counters a node keeps for all its sessions.
struct SessionCounters {
  std::uint64_t errors = 0;       // requests answered with a status other than Ok
  std::uint64_t malformed = 0;    // connections closed for a malformed request
  std::uint64_t auth_refused = 0; // connections refused (or timed out) by authentication
};

// What a session needs from its node.
struct SessionContext {
  net::Loop& loop;
  const crypto::Credentials* credentials; // null: no authentication
  SessionCounters& counters;
  Pumper& pumper;
};

class SwarmSession : public net::StreamHandler, public Pumpable
{
public:
  SwarmSession(net::Connection& conn, SessionContext ctx);
  ~SwarmSession() override;

  void on_data(net::Connection& conn) override;
  void on_drain(net::Connection& conn) override;
  // Pumps the stream, or goes on reading requests (scheduled through the Pumper).
  void pump() override;

  net::Connection& conn() { return m_conn; }
  // Where replies are appended: the connection's output, unless a subclass must hold them
  // back (a durable queue node holds replies until their records are on disk).
  virtual std::string& reply_buffer() { return m_conn.output(); }
  // Appends a status-only response, counting errors.
  void reply_status(proto::StatusCode status);
  // Counts a non-Ok status of a response a subclass encoded itself.
  void count_status(proto::StatusCode status);
  // Starts a streaming reply; requests after it wait until it ends.
  void start_stream(std::unique_ptr<Stream> stream);
  // Writes more of the current stream now.
  void pump_stream();
  // Asks for pump() on the next loop turn (from events elsewhere in the node).
  void schedule_pump() { m_ctx.pumper.schedule(this); }
  // Stops reading requests (the node cannot take more) until release_input().
  void hold_input();
  void release_input();

protected:
  // Decodes the request at the front of input and, when complete, handles it (the views of
  // input stay valid during the call). Returns the decoder's verdict; for oversize, call
  // answer_after_discard() with the status to send once the oversized value is skipped
  // (nullopt: no answer, for the items of a stream the client sends).
  virtual proto::DecodeResult handle_next(std::string_view input) = 0;
  void answer_after_discard(std::optional<proto::StatusCode> status) { m_discard_status = status; }

private:
  void process_input();
  bool authenticate();
  bool skip_discarded();
  bool handle_one();

  net::Connection& m_conn;
  SessionContext m_ctx;
  std::optional<proto::AuthServer> m_auth;           // set while authentication is pending
  std::unique_ptr<net::Timer> m_auth_deadline;       // closes a client that does not authenticate
  std::uint64_t m_discard = 0;                       // bytes of an oversized value still to skip
  std::optional<proto::StatusCode> m_discard_status; // the answer once they are skipped
  std::unique_ptr<Stream> m_stream;                  // the streaming reply in progress
  bool m_held = false;                               // hold_input() in force
  bool m_processing = false;                         // re-entrancy guard for process_input
};

} // namespace shoal::server
