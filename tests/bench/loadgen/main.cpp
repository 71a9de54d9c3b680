// shoal-loadgen: a light, single-threaded load generator speaking the swarm legacy protocol and
// Redis RESP, so that dhtnode and redis-server are measured by the same client. One line per run.
#include "cpu.hpp"
#include "driver.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <sysexits.h>

#include <algorithm>
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

// CPU seconds over one run: ours, the server's (given its PID) and everybody else's.
struct CpuUse {
  double client = 0;
  std::optional<double> server;
  std::optional<double> others; // machine busy time minus client and server, when both known
};

// Takes the CPU counters at construction; used() gives what was spent since.
class CpuMeter
{
public:
  explicit CpuMeter(int server_pid)
      : m_server_pid(server_pid), m_client(shoal::bench::self_cpu_seconds()),
        m_machine(shoal::bench::machine_busy_seconds())
  {
    if (server_pid > 0)
      m_server = shoal::bench::process_cpu_seconds(server_pid);
  }

  CpuUse used() const
  {
    CpuUse use;
    use.client = shoal::bench::self_cpu_seconds() - m_client;
    if (m_server)
      if (auto now = shoal::bench::process_cpu_seconds(m_server_pid))
        use.server = *now - *m_server;
    auto machine = shoal::bench::machine_busy_seconds();
    if (use.server && m_machine && machine)
      use.others = std::max(0.0, *machine - *m_machine - use.client - *use.server);
    return use;
  }

private:
  int m_server_pid;
  double m_client;
  std::optional<double> m_machine;
  std::optional<double> m_server;
};

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

// "1.23", or "-" when unknown.
std::string
fixed_or_dash(std::optional<double> v)
{
  return v ? fmt::format("{:.2f}", *v) : "-";
}

std::optional<double>
per_second(std::optional<double> cpu, double wall)
{
  return cpu ? std::optional<double>(*cpu / wall) : std::nullopt;
}

void
print(const Cli& cli, const Outcome& out, const CpuUse& cpu)
{
  const Config& c = cli.config;
  double wall = out.wall_seconds > 0 ? out.wall_seconds : 1e-9;
  fmt::print("proto={} op={} conns={} depth={} keys={} value_size={} ops={} misses={} errors={} "
             "wall_s={:.3f} ops_per_s={:.0f} p50_us={:.1f} p99_us={:.1f} ",
             cli.proto, cli.op, c.conns, c.depth, c.keys, c.value_size, out.ops, out.misses,
             out.errors, wall, static_cast<double>(out.ops) / wall,
             static_cast<double>(out.latency.quantile(0.50)) / 1e3,
             static_cast<double>(out.latency.quantile(0.99)) / 1e3);
  fmt::print("client_cpu_s={:.2f} server_cpu_s={} others_cpu_s={} client_util={:.2f} "
             "server_util={} others_util={} saturated={}\n",
             cpu.client, fixed_or_dash(cpu.server), fixed_or_dash(cpu.others), cpu.client / wall,
             fixed_or_dash(per_second(cpu.server, wall)),
             fixed_or_dash(per_second(cpu.others, wall)),
             saturated(cpu.client / wall, per_second(cpu.server, wall)));
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
  CpuMeter meter(cli.server_pid);
  Outcome out = shoal::bench::run(c);
  CpuUse cpu = meter.used();
  if (out.fatal.empty() || out.ops > 0) // no line for a run that never started
    print(cli, out, cpu);
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
