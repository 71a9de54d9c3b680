// Producer: one Produce (or ProduceMulti) stream to one queue node (specs/swarm.md §4.4) on a
// connection of its own. The node answers the request with a status, then reads value arrays
// until an empty one, without answering them; a producer must slow down when the node stops
// reading, which writable() and on_writable() tell.
#pragma once

#include "client/node_options.hpp"
#include "client/reply.hpp"
#include "client/session.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::client {

// Callbacks run on the loop, never inside a call. Destroying the producer closes its
// connection at once (records not yet sent are lost, done does not run); it must be destroyed
// before its Loop.
class Producer
{
public:
  // Opens the stream: request is an encoded Produce or ProduceMulti, name its name for
  // messages (static storage). done runs once: Ok after finish() when the node has read every
  // record, or the first failure (refused, link lost, silent past opts.request_timeout_ms while
  // opening or finishing).
  Producer(net::Loop& loop,
           net::Endpoint node,
           const NodeClientOptions& opts,
           std::string request,
           std::string_view name,
           DoneCallback done);
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  ~Producer();

  // Queues a record (not empty: the empty value ends the stream). Records pushed before the
  // node accepts the stream wait in memory; after finish() or the end they are ignored.
  void push(std::string_view value);
  // True while the bytes not yet taken by the node's socket are below opts.max_unsent_bytes:
  // push more. False while the node is not reading, and once finishing or ended.
  bool writable() const;
  // fn runs when writable() turns true after it was seen false.
  void on_writable(std::function<void()> fn) { m_on_writable = std::move(fn); }
  // Ends the stream with the empty value, then asks the node GetNumConnections on the same
  // connection: its answer, whatever its status, proves that the node has read every record.
  void finish();

  // True once the node has accepted the stream.
  bool started() const { return m_state != State::opening && m_state != State::failed; }
  // True once done has run (or is running).
  bool ended() const { return m_state == State::done || m_state == State::failed; }
  // Records pushed so far.
  std::uint64_t records() const { return m_records; }
  // Bytes waiting to be sent (in memory before the start, in the socket's queue after).
  std::size_t unsent_bytes() const;
  // "HOST:PORT" of the node.
  const std::string& node() const { return m_session->node(); }

private:
  class Stream;  // the Produce request: its status, then nothing until the end
  class Barrier; // the GetNumConnections after the end
  enum class State { opening, streaming, finishing, done, failed };

  void on_started();
  void on_end(Reply<void> reply);
  void send_end();
  void on_session_writable();
  void on_tick();

  NodeClientOptions m_opts;
  std::string_view m_name;
  std::shared_ptr<Session> m_session;
  Stream* m_stream = nullptr; // owned by the session's queue; valid while opening or streaming
  std::string m_backlog;      // records pushed before the start, encoded
  DoneCallback m_done;
  std::function<void()> m_on_writable;
  net::Timer m_watchdog;
  State m_state = State::opening;
  bool m_finish_requested = false;
  mutable bool m_blocked = false; // writable() said false since the last on_writable
  std::uint64_t m_records = 0;
  std::size_t m_unsent_at_tick = SIZE_MAX;
};

} // namespace shoal::client
