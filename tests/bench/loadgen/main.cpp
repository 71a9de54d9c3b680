// shoal-loadgen: a light load generator speaking the swarm legacy protocol, Redis RESP and
// beanstalkd's protocol, so that our nodes and their anchors are measured by the same client:
// key-value (dhtnode, redis-server) and queue (queuenode, redis-server, beanstalkd) workloads.
// One line per run.
#include "cpu.hpp"
#include "driver.hpp"
#include "queue_driver.hpp"
#include "record.hpp"
#include "scan.hpp"

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
  shoal::bench::QueueConfig queue; // --op queue
  std::string proto;
  std::string op = "set";
  int server_pid = 0;
  std::uint64_t records_per_key = 1000; // --op append
};

// The queue workload's own options; --op queue takes the shared ones (port, depth, value size,
// ops, seconds) from Config.
void
add_queue_options(CLI::App& app, shoal::bench::QueueConfig& q)
{
  app.add_option("--producers", q.producers, "queue: connections that push")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  app.add_option("--consumers", q.consumers, "queue: connections that pop")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  app.add_option("--drain-seconds", q.drain_seconds,
                 "queue: after pushing, pop what is left for at most this long")
      ->capture_default_str();
  app.add_option("--backoff-min-us", q.backoff_min_us,
                 "queue: a consumer answered 'empty' waits this long before its next pop")
      ->capture_default_str();
  app.add_option("--backoff-max-us", q.backoff_max_us,
                 "queue: ... doubling on every empty answer, up to this")
      ->capture_default_str();
  app.add_flag("--stream", q.stream,
               "queue, swarm only: consumers take records from a Consume stream instead of "
               "polling with Pop");
  app.add_option("--threads", q.threads, "queue: 2 runs producers and consumers on two threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 2));
}

void
add_options(CLI::App& app, Cli& cli)
{
  Config& c = cli.config;
  app.add_option("--proto", cli.proto,
                 "swarm (dhtnode Put/Get, queuenode Push/Pop), redis (SET/GET, LPUSH/RPOP) or "
                 "beanstalk (put/reserve/delete; --op queue only)")
      ->required()
      ->check(CLI::IsMember({"swarm", "redis", "beanstalk"}));
  app.add_option("--op", cli.op,
                 "set, get, load (set keys 0..keys-1 once, in order), append (Put to a log "
                 "node: timestamps from --key-base on, --records-per-key each), scan (one "
                 "GetRange over a log channel) or queue (push and pop)")
      ->check(CLI::IsMember({"set", "get", "load", "append", "scan", "queue"}));
  app.add_option("--records-per-key", cli.records_per_key, "append: records per timestamp")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32));
  app.add_option("--key-base", c.key_base, "append: the first timestamp")->capture_default_str();
  app.add_option("--batch", c.batch_records,
                 "append: records per PutBatch request (0: one Put per record); --ops counts "
                 "requests. 256 distinct batches are built before the clock starts and sent "
                 "round-robin")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
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
  add_queue_options(app, cli.queue);
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

// The end of every result line: CPU seconds and utilisation of client, server and others.
void
print_cpu(const CpuUse& cpu, double wall)
{
  fmt::print("client_cpu_s={:.2f} server_cpu_s={} others_cpu_s={} client_util={:.2f} "
             "server_util={} others_util={} saturated={}\n",
             cpu.client, fixed_or_dash(cpu.server), fixed_or_dash(cpu.others), cpu.client / wall,
             fixed_or_dash(per_second(cpu.server, wall)),
             fixed_or_dash(per_second(cpu.others, wall)),
             saturated(cpu.client / wall, per_second(cpu.server, wall)));
  std::fflush(stdout);
}

void
print(const Cli& cli, const Outcome& out, const CpuUse& cpu)
{
  const Config& c = cli.config;
  double wall = out.wall_seconds > 0 ? out.wall_seconds : 1e-9;
  std::uint64_t records = out.ops * std::max(1u, c.batch_records); // requests * records each
  fmt::print("proto={} op={} conns={} depth={} keys={} value_size={} batch={} ops={} records={} "
             "misses={} errors={} wall_s={:.3f} ops_per_s={:.0f} records_per_s={:.0f} "
             "p50_us={:.1f} p99_us={:.1f} ",
             cli.proto, cli.op, c.conns, c.depth, c.keys, c.value_size, c.batch_records, out.ops,
             records, out.misses, out.errors, wall, static_cast<double>(out.ops) / wall,
             static_cast<double>(records) / wall,
             static_cast<double>(out.latency.quantile(0.50)) / 1e3,
             static_cast<double>(out.latency.quantile(0.99)) / 1e3);
  print_cpu(cpu, wall);
}

// Records/s over a span; 0 when the span is empty.
double
rate(std::uint64_t n, double seconds)
{
  return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}

void
print_queue(const Cli& cli, const shoal::bench::QueueOutcome& out, const CpuUse& cpu)
{
  const shoal::bench::QueueConfig& q = cli.queue;
  double wall = out.wall_seconds > 0 ? out.wall_seconds : 1e-9;
  fmt::print(
      "proto={} op=queue producers={} consumers={} consume={} depth={} value_size={} threads={} "
      "pushed={} consumed={} left={} empty_polls={} duplicates={} errors={} push_s={:.3f} "
      "consume_s={:.3f} wall_s={:.3f} pushed_per_s={:.0f} consumed_per_s={:.0f} "
      "p50_us={:.1f} p99_us={:.1f} ",
      cli.proto, q.producers, q.consumers, q.stream ? "stream" : "poll", q.depth, q.value_size,
      q.threads, out.pushed, out.consumed, out.left(), out.empty_polls, out.duplicates, out.errors,
      out.push_seconds, out.consume_seconds, wall, rate(out.pushed, out.push_seconds),
      rate(out.consumed, out.consume_seconds),
      static_cast<double>(out.latency.quantile(0.50)) / 1e3,
      static_cast<double>(out.latency.quantile(0.99)) / 1e3);
  print_cpu(cpu, wall);
}

int
run_queue(Cli& cli)
{
  shoal::bench::QueueConfig& q = cli.queue;
  const Config& c = cli.config;
  q.proto = cli.proto == "redis"       ? shoal::bench::QueueProto::redis
            : cli.proto == "beanstalk" ? shoal::bench::QueueProto::beanstalk
                                       : shoal::bench::QueueProto::swarm;
  q.host = c.host;
  q.port = c.port;
  q.channel = c.channel;
  q.depth = c.depth;
  q.value_size = c.value_size;
  q.ops = c.ops;
  q.seconds = c.seconds;
  if (q.stream && q.proto != shoal::bench::QueueProto::swarm) {
    fmt::print(stderr, "shoal-loadgen: error: --stream needs --proto swarm\n");
    return EX_USAGE;
  }
  if (q.value_size < shoal::bench::record_header) {
    fmt::print(stderr, "shoal-loadgen: error: --op queue needs --value-size >= {}\n",
               shoal::bench::record_header);
    return EX_USAGE;
  }
  CpuMeter meter(cli.server_pid);
  shoal::bench::QueueOutcome out = shoal::bench::run_queue(q);
  CpuUse cpu = meter.used();
  if (out.fatal.empty() || out.pushed > 0)
    print_queue(cli, out, cpu);
  if (!out.fatal.empty()) {
    fmt::print(stderr, "shoal-loadgen: error: {}\n", out.fatal);
    return EX_UNAVAILABLE;
  }
  if (out.errors > 0) {
    fmt::print(stderr, "shoal-loadgen: error: {} requests or records failed\n", out.errors);
    return EX_DATAERR;
  }
  return 0;
}

// One GetRange over the whole channel; one line with records/s and bytes/s.
int
run_scan(Cli& cli)
{
  shoal::bench::ScanConfig s;
  s.host = cli.config.host;
  s.port = cli.config.port;
  s.channel = cli.config.channel;
  s.seconds = cli.config.seconds;
  CpuMeter meter(cli.server_pid);
  shoal::bench::ScanOutcome out = shoal::bench::run_scan(s);
  CpuUse cpu = meter.used();
  if (!out.fatal.empty()) {
    fmt::print(stderr, "shoal-loadgen: error: {}\n", out.fatal);
    return EX_UNAVAILABLE;
  }
  double wall = out.wall_seconds > 0 ? out.wall_seconds : 1e-9;
  fmt::print("proto=swarm op=scan records={} raw_bytes={} value_bytes={} wire_bytes={} "
             "wall_s={:.3f} records_per_s={:.0f} raw_mb_per_s={:.1f} value_mb_per_s={:.1f} ",
             out.records, out.raw_bytes, out.value_bytes, out.wire_bytes, wall,
             static_cast<double>(out.records) / wall,
             static_cast<double>(out.raw_bytes) / wall / 1e6,
             static_cast<double>(out.value_bytes) / wall / 1e6);
  print_cpu(cpu, wall);
  return 0;
}

int
run(Cli& cli, bool seconds_given)
{
  if (cli.op == "queue")
    return run_queue(cli);
  if (cli.op == "scan")
    return run_scan(cli);
  if (cli.proto == "beanstalk") {
    fmt::print(stderr, "shoal-loadgen: error: --proto beanstalk needs --op queue\n");
    return EX_USAGE;
  }
  Config& c = cli.config;
  c.proto = cli.proto == "redis" ? Proto::redis : Proto::swarm;
  c.op = cli.op == "get" ? Op::get : Op::set;
  if (cli.op == "append") // Put on a log node appends: timestamps, many records each
    c.records_per_key = cli.records_per_key;
  else
    c.batch_records = 0;
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
