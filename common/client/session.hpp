// Session: one TCP connection to a node carrying a FIFO of pipelined requests (or a single
// stream). It connects lazily, authenticates first when asked, keeps a window on what is on
// the wire, and fails everything outstanding when the link breaks or stays silent too long.
#pragma once

#include "client/node_options.hpp"
#include "client/pending.hpp"
#include "net/connection.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace shoal::client {

class Session final : public net::StreamHandler, public std::enable_shared_from_this<Session>
{
public:
  // A session to node; idle_timeout_ms is the longest silence tolerated while answers are
  // due (0: none); the request timeout of opts also bounds connecting and authenticating.
  static std::shared_ptr<Session> create(net::Loop& loop,
                                         net::Endpoint node,
                                         const NodeClientOptions& opts,
                                         std::uint64_t idle_timeout_ms);
  ~Session() override;

  // Queues a request; it is sent once connected, authenticated and inside the window. Never
  // calls back before returning. A failure of the link fails every queued request; the next
  // request after that connects again.
  void submit(std::unique_ptr<Pending> pending);
  // Closes the connection for good; queued requests are dropped without callbacks.
  void close();
  // Called each time the queue becomes empty (stream sessions end themselves this way).
  void set_on_empty(std::function<void()> fn) { m_on_empty = std::move(fn); }
  // Appends bytes to the wire after every submitted request (for a client stream such as the
  // queue's Produce); they go out on the next loop turn. False, writing nothing, unless the
  // session is connected, authenticated and every submitted request has been sent.
  bool write(std::string_view bytes);
  // Bytes handed to the connection and not yet taken by the kernel (0 when not connected).
  std::size_t unsent_bytes() const;
  // Called from the loop after a write whenever unsent_bytes() is below opts.max_unsent_bytes
  // (possibly when nothing was waiting): the signal for a client stream to write more.
  void set_on_writable(std::function<void()> fn) { m_on_writable = std::move(fn); }
  // Requests queued or on the wire.
  std::size_t pending() const { return m_queue.size(); }
  // "HOST:PORT" of the node.
  const std::string& node() const { return m_name; }

private:
  enum class State { idle, connecting, authenticating, ready };

  Session(net::Loop& loop,
          net::Endpoint node,
          const NodeClientOptions& opts,
          std::uint64_t idle_timeout_ms);

  void on_data(net::Connection& conn) override;
  void on_drain(net::Connection& conn) override;
  void on_close(net::Connection& conn) override;

  void schedule_pump();
  void pump(); // connects, or moves queued requests onto the wire
  void connect();
  void on_connected(core::Status status);
  bool authenticate(net::Connection& conn); // true once accepted
  void deliver(net::Connection& conn);      // decodes answers in order
  void watch(bool progress);                // (re)arms the watchdog
  void on_timeout();
  void drop(core::Error error); // closes the link and fails everything outstanding
  void fail_all(const core::Error& error);
  void notify_if_empty();
  void notify_writable();

  net::Loop& m_loop;
  net::Endpoint m_endpoint;
  std::string m_name;
  NodeClientOptions m_opts;
  std::uint64_t m_idle_timeout_ms;
  net::Timer m_pump_timer;
  net::Timer m_watchdog;
  net::Connection* m_conn = nullptr;
  State m_state = State::idle;
  bool m_closed = false;
  bool m_have_nonce = false;
  std::uint64_t m_auth_time = 0;
  std::deque<std::unique_ptr<Pending>> m_queue;
  std::size_t m_sent = 0; // the first m_sent entries of m_queue are on the wire
  std::function<void()> m_on_empty;
  std::function<void()> m_on_writable;
};

} // namespace shoal::client
