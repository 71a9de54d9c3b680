// Context: what every dht subcommand works with: the options and the DHT client, besides what
// every node client has (cli::ClientContext); and the registry of subcommands.
#pragma once

#include "options.hpp"

#include "cli/client_context.hpp"
#include "cli/client_main.hpp"
#include "client/dht.hpp"

#include <CLI/CLI.hpp>

#include <memory>

namespace shoal::dht {

// Exit status of get and exists when the key is absent (as grep(1) when nothing matched).
inline constexpr int exit_missing = 1;

class Context : public cli::ClientContext
{
public:
  explicit Context(GlobalOptions& opts) : ClientContext("dht"), m_opts(opts) {}

  GlobalOptions& options() { return m_opts; }
  // The DHT client (after open()).
  client::Dht& dht() { return *m_dht; }

  // Builds the client from the options; with handshake, checks versions and ranges too.
  core::Status open(bool handshake);

private:
  GlobalOptions& m_opts;
  std::unique_ptr<client::Dht> m_dht;
};

using client::once;

using Subcommands = cli::Subcommands<Context>;

// Each adds its group of subcommands to app and to the list.
void add_record_commands(CLI::App& app, Subcommands& list);
void add_stream_commands(CLI::App& app, Subcommands& list);
void add_admin_commands(CLI::App& app, Subcommands& list);
void add_import_command(CLI::App& app, Subcommands& list);

} // namespace shoal::dht
