// ods-rpc-sync's option table and the checks that tie options together.
#include "options.hpp"

#include "update.hpp"

#include "cfg/options.hpp"

#include <CLI/CLI.hpp>

#include <sys/stat.h>
#include <unistd.h>

namespace shoal::odsrpcsync {

namespace {

void
add_amqp_options(CLI::App& app, Options& opts)
{
  app.add_option("--amqp", opts.amqp_url,
                 "RabbitMQ broker: amqp://[user:password@]host[:port][/vhost], or amqps://")
      ->type_name("URL");
  app.add_option("--amqp-exchange", opts.amqp_exchange, "the fanout exchange of the cluster")
      ->capture_default_str();
  app.add_option("--amqp-credentials", opts.amqp_credentials,
                 "file holding \"user:password\" (instead of the URL's, out of sight of ps)")
      ->type_name("FILE");
  app.add_option("--amqp-cacert", opts.amqp_cacert, "amqps: CA certificates to verify the broker")
      ->type_name("FILE");
  app.add_option("--amqp-cert", opts.amqp_cert, "amqps: this node's client certificate")
      ->type_name("FILE");
  app.add_option("--amqp-key", opts.amqp_key, "amqps: the client certificate's private key")
      ->type_name("FILE");
  cfg::add_duration(app, "--amqp-heartbeat", opts.amqp_heartbeat_ms,
                    "AMQP heartbeat: a silent broker is given up after about twice this", "30s");
}

void
add_queue_options(CLI::App& app, Options& opts)
{
  app.add_option("--queue", opts.queue_nodes,
                 "a queuenode (repeatable): the transport when there is no broker")
      ->type_name("HOST:PORT");
  app.add_option("--queue-channel", opts.queue_channel,
                 "the queue channel of the cluster; each node consumes NODE-ID@CHANNEL")
      ->capture_default_str();
}

std::string
short_hostname()
{
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0)
    return {};
  std::string name = buf;
  return name.substr(0, name.find('.'));
}

core::Status
check_dir(const std::string& option, const std::string& dir)
{
  struct stat st {
  };
  if (dir.empty())
    return core::make_error(core::Errc::config, option + " is required");
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return core::make_error(core::Errc::config, option + " " + dir + ": not a directory");
  return {};
}

} // namespace

void
add_options(CLI::App& app, Options& opts)
{
  cfg::add_common_options(app, opts.common);
  SyncOptions& s = opts.sync;
  app.add_option("--dir", s.dir, "the ods-rpc flag directory to keep in sync")->type_name("DIR");
  app.add_option("--node-id", s.node_id,
                 "this node's id, unique in the cluster (default: the short host name)")
      ->type_name("NAME");
  app.add_option("--state-dir", s.state_dir, "where state.db and the status file live")
      ->capture_default_str()
      ->type_name("DIR");
  add_amqp_options(app, opts);
  add_queue_options(app, opts);
  cfg::add_duration(app, "--merge-window", s.merge_window_ms,
                    "how long an update waits for older ones of other nodes (0: none)", "5ms");
  cfg::add_duration(app, "--summary-interval", s.summary_interval_ms,
                    "exchange summaries this often even without reconnections", "5m");
  app.add_flag("--legacy-text", s.legacy_text,
               "publish the original ods-rpc's text (\"<epoch> SET|CLEAR zone.flag [value]\"), "
               "accept it too; no summaries");
  app.add_option("--stats-log", s.stats_log, "stats log (\"-\": stderr, \"\": none)")
      ->capture_default_str()
      ->type_name("FILE");
  cfg::add_duration(app, "--stats-period", s.stats_period_ms, "how often stats are logged", "30s");
}

core::Status
finish_options(Options& opts)
{
  SyncOptions& s = opts.sync;
  if (s.node_id.empty())
    s.node_id = short_hostname();
  if (!valid_node_id(s.node_id))
    return core::make_error(core::Errc::config,
                            "--node-id \"" + s.node_id + "\": 1-64 of A-Z a-z 0-9 . _ -");
  SHOAL_TRY(check_dir("--dir", s.dir));
  SHOAL_TRY(check_dir("--state-dir", s.state_dir));
  if (opts.amqp_url.empty() == opts.queue_nodes.empty())
    return core::make_error(core::Errc::config,
                            "give one transport: --amqp URL, or --queue HOST:PORT (repeatable)");
  if (s.stats_period_ms == 0)
    return core::make_error(core::Errc::config, "--stats-period must be positive");
  if (s.summary_interval_ms < 1000)
    return core::make_error(core::Errc::config, "--summary-interval must be at least 1s");
  return {};
}

} // namespace shoal::odsrpcsync
