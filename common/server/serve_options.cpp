// The options every swarm node shares, declared once for dhtnode and queuenode.
#include "server/serve_options.hpp"

#include "cfg/options.hpp"

#include <CLI/CLI.hpp>

namespace shoal::server {

void
add_listen_option(CLI::App& app, ServeOptions& opts)
{
  app.add_option("--listen", opts.listen, "address to serve on, HOST:PORT (port 0: any free port)")
      ->required()
      ->type_name("HOST:PORT");
}

void
add_serve_options(CLI::App& app, ServeOptions& opts)
{
  app.add_option("--credentials", opts.credentials,
                 "require HMAC authentication with the name:key lines of FILE")
      ->type_name("FILE");
  app.add_option("--connection-limit", opts.connection_limit, "refuse connections beyond this")
      ->capture_default_str()
      ->type_name("N");
  app.add_option("--backlog", opts.backlog, "listen backlog")
      ->capture_default_str()
      ->type_name("N");
  app.add_option("--stats-log", opts.stats_log, "append stats lines to FILE (- : stderr)")
      ->capture_default_str()
      ->type_name("FILE");
  cfg::add_duration(app, "--stats-period", opts.stats_period_ms,
                    "how often to write the stats line", "30s");
}

core::Status
finish_serve_options(ServeOptions& opts)
{
  auto endpoint = net::parse_endpoint(opts.listen);
  if (!endpoint)
    return endpoint.take_error();
  opts.endpoint = *endpoint;
  if (opts.stats_period_ms == 0)
    return core::make_error(core::Errc::config, "--stats-period must be positive");
  if (!opts.credentials.empty()) {
    auto loaded = crypto::load_credentials(opts.credentials);
    if (!loaded)
      return core::make_error(core::Errc::config, "--credentials: " + loaded.error().message);
    opts.credential_map = std::move(*loaded);
  }
  return {};
}

} // namespace shoal::server
