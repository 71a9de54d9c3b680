// Context: what every queue subcommand works with: the options, the loop, the queue client and
// the buffered standard output; and the registry of subcommands.
#pragma once

#include "options.hpp"

#include "cli/output.hpp"
#include "client/queue.hpp"
#include "client/run_sync.hpp"
#include "net/loop.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <vector>

namespace shoal::queue {

// Exit status of pop when the queue is empty (as grep(1) when nothing matched).
inline constexpr int exit_empty = 1;

class Context
{
public:
  explicit Context(GlobalOptions& opts) : m_opts(opts) {}
  ~Context();

  GlobalOptions& options() { return m_opts; }
  net::Loop& loop() { return m_loop; }
  cli::Output& out() { return m_out; }
  // The queue client (after open()).
  client::Queue& queue() { return *m_queue; }

  // Builds the client from the options (no request is sent).
  core::Status open();
  // Runs the loop until the request started by start has answered.
  template <class T> client::Reply<T> wait(const std::function<void(client::Callback<T>)>& start)
  {
    return client::run_sync<T>(m_loop, start);
  }
  // Flushes standard output; returns the exit status for success, or reports a write error
  // (quietly when the reader went away).
  int finish();
  // Prints "queue: error: ..." and returns the exit status for error.
  int fail(const core::Error& error);
  // Prints "queue: warning: ..." on standard error.
  void warn(const std::string& message);

private:
  GlobalOptions& m_opts;
  net::Loop m_loop;
  cli::Output m_out;
  std::unique_ptr<client::Queue> m_queue; // destroyed before the loop
};

// A subcommand and what running it means.
struct Subcommand {
  CLI::App* app;
  std::function<int(Context&)> run;
};
using Subcommands = std::vector<Subcommand>;

// Each adds its group of subcommands to app and to the list.
void add_record_commands(CLI::App& app, Subcommands& list);
void add_consume_commands(CLI::App& app, Subcommands& list);
void add_produce_command(CLI::App& app, Subcommands& list);
void add_admin_commands(CLI::App& app, Subcommands& list);

} // namespace shoal::queue
