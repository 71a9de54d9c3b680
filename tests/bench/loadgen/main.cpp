// shoal-loadgen: a light, single-threaded load generator speaking the swarm legacy protocol and
// Redis RESP, so that dhtnode and redis-server are measured by the same client. One line per run.
#include "cpu.hpp"
#include "driver.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <sysexits.h>

#include <optional>

namespace {

using shoal::bench::Config;
using shoal::bench::Op;
using shoal::bench::Outcome;
using shoal::bench::Proto;

struct Cli {
  Config config;
  std::string proto;
  std::string op = "set";
  int server_pid = 0;
};

void
add_options(CLI::App& app, Cli& cli)
{
  Config& c = cli.config;
  app.add_option("--proto", cli.proto, "swarm (dhtnode Put/Get) or redis (SET/GET)")
      ->required()
      ->check(CLI::IsMember({"swarm", "redis"}));
  app.add_option("--op", cli.op, "set, get, or load (set keys 0..keys-1 once, in order)")
      ->check(CLI::IsMember({"set", "get", "load"}));
  app.add_option("--host", c.host, "server IPv4 address")->capture_default_str();
  app.add_option("--port", c.port, "server port")->required();
  app.add_option("--channel", c.channel, "swarm channel")->capture_default_str();
  app.add_option("--conns", c.conns, "connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--depth", c.depth, "requests in flight per connection")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--keys", c.keys, "key space size")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--value-size", c.value_size, "value bytes")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--ops", c.ops, "stop after this many requests")->capture_default_str();
  app.add_option("--seconds", c.seconds, "... or after this long (load: 600 unless given)")
      ->capture_default_str();
  app.add_option("--seed", c.seed, "random key sequence seed")->capture_default_str();
  app.add_option("--server-pid", cli.server_pid, "server PID, to report its CPU seconds");
}

// "server", "client", "both" or "none": who used at least 90 % of a CPU over the run.
std::string
saturated(double client_util, std::optional<double> server_util)
{
  bool client = client_util >= 0.9;
  bool server = server_util && *server_util >= 0.9;
  if (client && server)
    return "both";
  return server ? "server" : client ? "client" : "none";
}

std::string
seconds_or_dash(std::optional<double> s, int precision)
{
  return s ? fmt::format("{:.{}f}", *s, precision) : "-";
}

void
print(const Cli& cli, const Outcome& out, double client_cpu, std::optional<double> server_cpu)
{
  const Config& c = cli.config;
  double wall = out.wall_seconds > 0 ? out.wall_seconds : 1e-9;
  std::optional<double> server_util;
  if (server_cpu)
    server_util = *server_cpu / wall;
  fmt::print("proto={} op={} conns={} depth={} keys={} value_size={} ops={} misses={} errors={} "
             "wall_s={:.3f} ops_per_s={:.0f} p50_us={:.1f} p99_us={:.1f} client_cpu_s={:.2f} "
             "server_cpu_s={} client_util={:.2f} server_util={} saturated={}\n",
             cli.proto, cli.op, c.conns, c.depth, c.keys, c.value_size, out.ops, out.misses,
             out.errors, wall, static_cast<double>(out.ops) / wall,
             static_cast<double>(out.latency.quantile(0.50)) / 1e3,
             static_cast<double>(out.latency.quantile(0.99)) / 1e3, client_cpu,
             seconds_or_dash(server_cpu, 2), client_cpu / wall, seconds_or_dash(server_util, 2),
             saturated(client_cpu / wall, server_util));
  std::fflush(stdout);
}

int
run(Cli& cli, bool seconds_given)
{
  Config& c = cli.config;
  c.proto = cli.proto == "redis" ? Proto::redis : Proto::swarm;
  c.op = cli.op == "get" ? Op::get : Op::set;
  if (cli.op == "load") {
    c.sequential = true;
    c.ops = c.keys;
    if (!seconds_given)
      c.seconds = 600;
  }
  std::optional<double> server_before;
  if (cli.server_pid > 0)
    server_before = shoal::bench::process_cpu_seconds(cli.server_pid);
  double client_before = shoal::bench::self_cpu_seconds();
  Outcome out = shoal::bench::run(c);
  double client_cpu = shoal::bench::self_cpu_seconds() - client_before;
  std::optional<double> server_cpu;
  if (server_before)
    if (auto after = shoal::bench::process_cpu_seconds(cli.server_pid))
      server_cpu = *after - *server_before;
  if (out.fatal.empty() || out.ops > 0) // no line for a run that never started
    print(cli, out, client_cpu, server_cpu);
  if (!out.fatal.empty()) {
    fmt::print(stderr, "shoal-loadgen: error: {}\n", out.fatal);
    return EX_UNAVAILABLE;
  }
  if (out.errors > 0) {
    fmt::print(stderr, "shoal-loadgen: error: {} requests failed\n", out.errors);
    return EX_DATAERR;
  }
  return 0;
}

} // namespace

int
main(int argc, char** argv)
{
  CLI::App app{"shoal-loadgen: the same load against dhtnode (swarm) and redis-server (RESP)"};
  Cli cli;
  add_options(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : EX_USAGE;
  }
  return run(cli, app.count("--seconds") > 0);
}
