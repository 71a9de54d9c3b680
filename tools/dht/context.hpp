// Context: what every dht subcommand works with: the options, the loop, the DHT client and
// the buffered standard output; and the registry of subcommands.
#pragma once

#include "options.hpp"

#include "cli/output.hpp"
#include "client/dht.hpp"
#include "client/run_sync.hpp"
#include "net/loop.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace shoal::dht {

// Exit status of get and exists when the key is absent (as grep(1) when nothing matched).
inline constexpr int exit_missing = 1;

class Context
{
public:
  explicit Context(GlobalOptions& opts) : m_opts(opts) {}
  ~Context();

  GlobalOptions& options() { return m_opts; }
  net::Loop& loop() { return m_loop; }
  cli::Output& out() { return m_out; }
  // The DHT client (after open()).
  client::Dht& dht() { return *m_dht; }

  // Builds the client from the options; with handshake, checks versions and ranges too.
  core::Status open(bool handshake);
  // Runs the loop until the request started by start has answered.
  template <class T> client::Reply<T> wait(const std::function<void(client::Callback<T>)>& start)
  {
    return client::run_sync<T>(m_loop, start);
  }
  // Flushes standard output; returns the exit status for success, or reports a write error
  // (quietly when the reader went away).
  int finish();
  // Prints "dht: error: ..." and returns the exit status for error.
  int fail(const core::Error& error);

private:
  GlobalOptions& m_opts;
  net::Loop m_loop;
  cli::Output m_out;
  std::unique_ptr<client::Dht> m_dht; // destroyed before the loop
};

using client::once;

// A subcommand and what running it means.
struct Subcommand {
  CLI::App* app;
  std::function<int(Context&)> run;
};
using Subcommands = std::vector<Subcommand>;

// Each adds its group of subcommands to app and to the list.
void add_record_commands(CLI::App& app, Subcommands& list);
void add_stream_commands(CLI::App& app, Subcommands& list);
void add_admin_commands(CLI::App& app, Subcommands& list);
void add_import_command(CLI::App& app, Subcommands& list);

} // namespace shoal::dht
