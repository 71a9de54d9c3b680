// Context: what every logfiles subcommand works with: the options and the log store client,
// besides what every node client has (cli::ClientContext); and the registry of subcommands.
#pragma once

#include "options.hpp"

#include "cli/client_context.hpp"
#include "cli/client_main.hpp"
#include "client/logs.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace shoal::logfiles {

class Context : public cli::ClientContext
{
public:
  explicit Context(GlobalOptions& opts) : ClientContext("logfiles"), m_opts(opts) {}

  GlobalOptions& options() { return m_opts; }
  // The log store client (after open()); dht() is the same, as the DHT client it extends.
  client::LogStore& logs() { return *m_logs; }
  client::Dht& dht() { return *m_logs; }

  // Builds the client from the options; with handshake, checks versions and ranges too (so
  // that puts are routed and reads reach every node).
  core::Status open(bool handshake);

private:
  GlobalOptions& m_opts;
  std::unique_ptr<client::LogStore> m_logs;
};

using client::once;

using Subcommands = cli::Subcommands<Context>;

// Each adds its group of subcommands to app and to the list.
void add_put_command(CLI::App& app, Subcommands& list);
void add_read_commands(CLI::App& app, Subcommands& list);
void add_admin_commands(CLI::App& app, Subcommands& list);

} // namespace shoal::logfiles
