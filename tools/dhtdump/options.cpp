// dhtdump's option table and the checks that tie options together.
#include "options.hpp"

#include "cfg/options.hpp"

namespace shoal::dhtdump {

void
add_options(CLI::App& app, Options& opts)
{
  cfg::add_common_options(app, opts.common);
  app.add_option("--node", opts.node, "the dhtnode to dump, HOST:PORT")
      ->required()
      ->type_name("HOST:PORT");
  app.add_option("--data-dir", opts.data_dir,
                 "directory to write <channel>.tcm into (normally the node's); must exist")
      ->required()
      ->type_name("DIR");
  app.add_flag("--oneshot", opts.oneshot,
               "dump once now, retrying until it succeeds, then exit (for cron and timers)");
  cfg::add_duration(app, "--period", opts.schedule.period_ms,
                    "time from the start of one dump cycle to the start of the next", "6h");
  cfg::add_duration(app, "--min-wait", opts.schedule.min_wait_ms,
                    "shortest wait between two cycles, even when a cycle overran the period",
                    "60s");
  cfg::add_duration(app, "--retry-wait", opts.schedule.retry_wait_ms,
                    "wait after a failed cycle before trying again", "30s");
  app.add_option("--initial-delay", opts.initial_delay_text,
                 "wait before the first cycle: random (in [0, period)) or a duration")
      ->capture_default_str()
      ->type_name("random|DURATION");
  app.add_option("--stats-log", opts.stats_log,
                 "append stats lines to FILE (- : stderr, empty: none)")
      ->capture_default_str()
      ->type_name("FILE");
  cfg::add_duration(app, "--stats-period", opts.stats_period_ms,
                    "how often to write the stats line", "30s");
  app.add_option("--credentials-name", opts.credentials_name, "authenticate to the node as NAME")
      ->type_name("NAME");
  app.add_option("--credentials-key-file", opts.credentials_key_file,
                 "the key of NAME: 256 hex digits, or a credentials file of name:key lines")
      ->type_name("FILE");
  cfg::add_duration(app, "--timeout", opts.timeout_ms,
                    "give up on the node when it stays silent this long; 0: never", "30s");
}

namespace {
core::Status
check_durations(const Options& opts)
{
  auto fail = [](const std::string& message) {
    return core::make_error(core::Errc::config, message);
  };
  if (opts.schedule.period_ms == 0)
    return fail("--period must be positive");
  if (opts.schedule.retry_wait_ms == 0)
    return fail("--retry-wait must be positive");
  if (opts.stats_period_ms == 0)
    return fail("--stats-period must be positive");
  if (opts.schedule.min_wait_ms > opts.schedule.period_ms)
    return fail("--min-wait must not be longer than --period");
  return {};
}
} // namespace

core::Status
finish_options(Options& opts)
{
  auto endpoint = net::parse_endpoint(opts.node);
  if (!endpoint)
    return core::make_error(core::Errc::config, "--node: " + endpoint.error().message);
  if (endpoint->port == 0)
    return core::make_error(core::Errc::config, "--node: port 0 is not a node's port");
  opts.endpoint = *endpoint;
  auto delay = parse_initial_delay(opts.initial_delay_text);
  if (!delay)
    return delay.take_error();
  opts.initial_delay = *delay;
  SHOAL_TRY(check_durations(opts));
  auto auth = client::load_auth_identity(opts.credentials_name, opts.credentials_key_file);
  if (!auth)
    return auth.take_error();
  opts.client.auth = std::move(*auth);
  opts.client.request_timeout_ms = opts.timeout_ms;
  opts.client.stream_timeout_ms = opts.timeout_ms;
  return {};
}

} // namespace shoal::dhtdump
