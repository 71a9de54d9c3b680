// Context: what every queue subcommand works with: the options and the queue client, besides
// what every node client has (cli::ClientContext); and the registry of subcommands.
#pragma once

#include "options.hpp"

#include "cli/client_context.hpp"
#include "cli/client_main.hpp"
#include "client/queue.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace shoal::queue {

// Exit status of pop when the queue is empty (as grep(1) when nothing matched).
inline constexpr int exit_empty = 1;

class Context : public cli::ClientContext
{
public:
  explicit Context(GlobalOptions& opts) : ClientContext("queue"), m_opts(opts) {}

  GlobalOptions& options() { return m_opts; }
  // The queue client (after open()).
  client::Queue& queue() { return *m_queue; }

  // Builds the client from the options (no request is sent).
  core::Status open();

private:
  GlobalOptions& m_opts;
  std::unique_ptr<client::Queue> m_queue;
};

using Subcommands = cli::Subcommands<Context>;

// Each adds its group of subcommands to app and to the list.
void add_record_commands(CLI::App& app, Subcommands& list);
void add_consume_commands(CLI::App& app, Subcommands& list);
void add_produce_command(CLI::App& app, Subcommands& list);
void add_admin_commands(CLI::App& app, Subcommands& list);

} // namespace shoal::queue
