// ClientContext: what every subcommand of a node client (dht, queue) works with, whatever the
// nodes: the loop, the buffered standard output and shoal's exit conventions. Each tool derives
// its Context from it and adds its own client.
#pragma once

#include "cli/output.hpp"
#include "client/run_sync.hpp"
#include "core/result.hpp"
#include "net/loop.hpp"

#include <functional>
#include <string>

namespace shoal::cli {

class ClientContext
{
public:
  // program names the tool in messages ("dht"); static storage.
  explicit ClientContext(const char* program) : m_program(program) {}
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  net::Loop& loop() { return m_loop; }
  Output& out() { return m_out; }

  // Runs the loop until the request started by start has answered.
  template <class T> client::Reply<T> wait(const std::function<void(client::Callback<T>)>& start)
  {
    return client::run_sync<T>(m_loop, start);
  }
  // Flushes standard output; returns the exit status for success, or reports a write error
  // (quietly when the reader went away).
  int finish();
  // Prints "PROGRAM: error: ..." and returns the exit status for error.
  int fail(const core::Error& error);
  // Prints "PROGRAM: warning: ..." on standard error.
  void warn(const std::string& message);

protected:
  // Not deleted through a pointer to the base: no virtual destructor needed.
  ~ClientContext() = default;

private:
  const char* m_program;
  net::Loop m_loop; // outlives the client of the derived Context, destroyed before it
  Output m_out;
};

} // namespace shoal::cli
