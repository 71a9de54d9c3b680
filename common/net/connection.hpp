// Connection: one TCP stream on the loop with a bounded input buffer and a bounded write queue.
// Self-owned: it frees itself after libuv's close callback. Whoever calls close() must drop
// its pointer at once; no callback runs after close(). A close caused by the peer or an error
// is reported through on_close, the last callback, after which the pointer is dead.
#pragma once

#include "core/result.hpp"
#include "net/buffer.hpp"
#include "net/endpoint.hpp"
#include "net/loop.hpp"

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace shoal::net {

class Connection;

// What a protocol implementation plugs into a Connection.
class StreamHandler
{
public:
  virtual ~StreamHandler() = default;
  // New bytes were appended to conn.input(); consume what was handled. Output appended to
  // conn.output() is sent when this returns.
  virtual void on_data(Connection& conn) = 0;
  // The write queue fell below the low-water mark after having been above it (or a write
  // completed while the handler asked to be told, see want_drain()).
  virtual void on_drain(Connection&) {}
  // The peer closed the connection or an error occurred; the last callback.
  virtual void on_close(Connection&) {}
};

// Per-connection limits.
struct ConnectionLimits {
  std::size_t max_input = 1 << 20;        // input bytes buffered unconsumed before closing
  std::size_t write_high_water = 4 << 20; // stop reading above this many queued output bytes
  std::size_t write_low_water = 1 << 20;  // resume reading (and on_drain) below this
};

class Connection
{
public:
  using ConnectCallback = std::function<void(core::Status)>;

  // Opens a client connection. handler is not owned and must outlive the connection or close
  // it first. on_connected gets the outcome; on failure the connection is already closed.
  static Connection* connect(Loop& loop,
                             const Endpoint& to,
                             StreamHandler* handler,
                             ConnectCallback on_connected,
                             ConnectionLimits limits = {});

  // Accepts a pending connection on server; returns nullptr on failure.
  static Connection* accept(uv_stream_t* server, ConnectionLimits limits);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Installs the handler; owned when passed as unique_ptr. Starts reading.
  void start(std::unique_ptr<StreamHandler> handler);
  void start(StreamHandler* handler);

  ByteBuffer& input() { return m_in; }
  // Bytes to send; appended by handlers, sent by flush() (and after each on_data).
  std::string& output() { return m_out; }
  // Sends everything in output() as one write.
  void flush();
  // Bytes written but not yet acknowledged by the kernel plus unflushed output.
  std::size_t queued_bytes() const;
  bool write_blocked() const { return queued_bytes() >= m_limits.write_high_water; }
  // queued_bytes() plus what the kernel still holds for the peer (not yet sent, or sent and
  // not acknowledged): how far the peer lags behind what the handler has written.
  std::size_t backlog_bytes() const;
  // Stops (true) or resumes (false) reading from the socket, whatever the write queue does:
  // a handler that cannot take more input (a full queue) makes its client wait, in TCP.
  void hold_input(bool held);
  bool input_held() const { return m_held; }
  // Ask for on_drain once the queue is below the low-water mark (for streaming replies).
  void want_drain() { m_want_drain = true; }

  // Closes after the queued output has been written (graceful) or at once.
  void close();
  void close_after_flush();
  bool closing() const { return m_state != State::open; }

  const Endpoint& peer() const { return m_peer; }
  std::uint64_t bytes_received() const { return m_bytes_in; }
  std::uint64_t bytes_sent() const { return m_bytes_out; }
  // The loop this connection runs on.
  uv_loop_t* loop() { return m_tcp.loop; }
  // Runs once when the connection closes for any reason (for registries such as TcpServer's).
  void set_close_hook(std::function<void(Connection&)> hook) { m_close_hook = std::move(hook); }
  // Opaque pointer for the owner (e.g. an index in a server's table).
  void* user = nullptr;

private:
  enum class State { connecting, open, draining, closed };

  explicit Connection(ConnectionLimits limits);
  ~Connection() = default;
  void begin_reading();
  void on_read(ssize_t nread);
  void deliver_data(); // calls on_data; an exception closes the connection
  bool try_write();    // writes what the socket takes now; false if the connection failed
  void on_written(std::size_t bytes, int status);
  void fail(); // peer gone or error: notify the handler, then close
  void do_close();
  bool update_flow(); // starts/stops reading; true if reading resumed
  void set_socket_options();

  uv_tcp_t m_tcp{};
  uv_connect_t m_connect_req{};
  ConnectCallback m_on_connected;
  std::function<void(Connection&)> m_close_hook;
  StreamHandler* m_handler = nullptr;
  std::unique_ptr<StreamHandler> m_owned_handler;
  ConnectionLimits m_limits;
  ByteBuffer m_in;
  std::string m_out;
  std::size_t m_in_flight = 0; // bytes handed to uv_write, not yet completed
  State m_state = State::connecting;
  bool m_reading = false;
  bool m_want_drain = false;
  bool m_held = false;        // hold_input(true): no reading until released
  bool m_notify_close = true; // false when the owner closed it (no on_close then)
  Endpoint m_peer;
  std::uint64_t m_bytes_in = 0;
  std::uint64_t m_bytes_out = 0;
};

} // namespace shoal::net
