// ods-amqp-probe: one AmqpTransport (ods-rpc-sync's RabbitMQ transport) driven line by line from
// stdin, reporting on stdout, for tests/integration/test_amqp_transport.py and by hand.
//   stdin:  publish BODY | publish-many N PREFIX | ack TAG | reject TAG | stats | quit
//   stdout: describe URL | connected | disconnected WHY | message TAG BODY | stats k=v ...
// With --auto-ack every delivery is acknowledged at once, except bodies starting with
// "reject", which are rejected (dead-lettered). EOF on stdin, quit or SIGTERM stop the
// transport, print the final stats and exit 0.
#include "amqp_options.hpp"
#include "amqp_transport.hpp"

#include "core/log.hpp"
#include "net/loop.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <csignal>
#include <cstdio>
#include <string>

using namespace shoal;
using namespace shoal::odsrpcsync;

namespace {

void
say(const std::string& line)
{
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string
stats_line(const AmqpTransport& t)
{
  const TransportStats& s = t.stats();
  return fmt::format("stats published={} confirmed={} republished={} dropped={} received={} "
                     "dead_lettered={} connects={} connect_failures={} connected={}",
                     s.published, s.confirmed, s.republished, s.dropped, s.received,
                     s.dead_lettered, s.connects, s.connect_failures, t.connected() ? 1 : 0);
}

class Probe : public Transport::Handler
{
public:
  Probe(net::Loop& loop, AmqpOptions opts, bool auto_ack)
      : m_loop(loop), m_transport(loop, std::move(opts)), m_auto_ack(auto_ack)
  {
  }

  void start()
  {
    say("describe " + m_transport.describe());
    m_transport.start(*this);
  }

  void on_message(std::string_view body, std::uint64_t tag) override
  {
    say(fmt::format("message {} {}", tag, body));
    if (m_auto_ack && body.starts_with("reject"))
      m_transport.reject(tag);
    else if (m_auto_ack)
      m_transport.ack(tag);
  }
  void on_connected() override { say("connected"); }
  void on_disconnected(const std::string& why) override { say("disconnected " + why); }

  void command(std::string_view line)
  {
    auto sp = line.find(' ');
    std::string_view verb = line.substr(0, sp);
    std::string arg(sp == std::string_view::npos ? "" : line.substr(sp + 1));
    if (verb == "publish")
      m_transport.publish(arg, false);
    else if (verb == "publish-many")
      publish_many(arg);
    else if (verb == "ack")
      m_transport.ack(std::stoull(arg));
    else if (verb == "reject")
      m_transport.reject(std::stoull(arg));
    else if (verb == "stats")
      say(stats_line(m_transport));
    else if (verb == "quit")
      quit();
    else
      say("error unknown command " + std::string(verb));
  }

  void quit()
  {
    if (m_quit)
      return;
    m_quit = true;
    m_transport.stop();
    say(stats_line(m_transport));
    m_loop.stop();
  }

private:
  void publish_many(const std::string& arg)
  {
    auto sp = arg.find(' ');
    unsigned long n = std::stoul(arg.substr(0, sp));
    std::string prefix = sp == std::string::npos ? "m" : arg.substr(sp + 1);
    for (unsigned long i = 0; i < n; ++i)
      m_transport.publish(prefix + "-" + std::to_string(i), false);
  }

  net::Loop& m_loop;
  AmqpTransport m_transport;
  bool m_auto_ack;
  bool m_quit = false;
};

// Reads stdin (a pipe) on the loop and hands each line to the probe.
struct StdinReader {
  uv_pipe_t pipe{};
  std::string pending;
  Probe* probe = nullptr;

  void start(net::Loop& loop, Probe& p)
  {
    probe = &p;
    uv_pipe_init(loop.get(), &pipe, 0);
    uv_pipe_open(&pipe, 0);
    pipe.data = this;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&pipe), alloc, on_read);
  }
  void close() { uv_close(reinterpret_cast<uv_handle_t*>(&pipe), nullptr); }

  static void alloc(uv_handle_t*, size_t, uv_buf_t* buf)
  {
    static char chunk[64 << 10];
    *buf = uv_buf_init(chunk, sizeof chunk);
  }
  static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf)
  {
    auto* self = static_cast<StdinReader*>(s->data);
    if (n < 0) { // EOF or an error: the test is done with us
      uv_read_stop(s);
      self->probe->quit();
      return;
    }
    self->pending.append(buf->base, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = self->pending.find('\n')) != std::string::npos) {
      std::string line = self->pending.substr(0, nl);
      self->pending.erase(0, nl + 1);
      self->probe->command(line);
    }
  }
};

} // namespace

int
main(int argc, char** argv)
{
  CLI::App app{"ods-amqp-probe: drive ods-rpc-sync's RabbitMQ transport from stdin"};
  AmqpOptions o;
  bool auto_ack = false, no_verify = false;
  std::string level = "info";
  app.add_option("--url", o.url, "amqp[s]://user:password@host:port/vhost")->required();
  app.add_option("--node-id", o.node_id, "this node's id")->required();
  app.add_option("--exchange", o.exchange, "fanout exchange");
  app.add_option("--heartbeat", o.heartbeat_s, "heartbeat seconds (0: off)");
  app.add_option("--prefetch", o.prefetch, "unacknowledged deliveries at most");
  app.add_option("--buffer-limit", o.buffer_limit, "outgoing messages kept");
  app.add_option("--credentials", o.credentials_file, "file with one line user:password");
  app.add_option("--cacert", o.tls_cacert, "CA certificates (PEM)");
  app.add_option("--cert", o.tls_cert, "client certificate (PEM)");
  app.add_option("--key", o.tls_key, "client key (PEM)");
  app.add_flag("--no-tls-verify", no_verify, "do not check the broker's certificate");
  app.add_flag("--auto-ack", auto_ack, "ack every delivery; reject bodies starting \"reject\"");
  app.add_option("--log-level", level, "debug, info, warn or error");
  CLI11_PARSE(app, argc, argv);
  o.tls_verify = !no_verify;
  core::LogLevel log_level;
  if (core::parse_log_level(level, log_level))
    core::set_log_level(log_level);
  if (auto st = validate_amqp_options(o); !st) {
    std::fprintf(stderr, "ods-amqp-probe: error: %s\n", st.error().message.c_str());
    return 78; // EX_CONFIG
  }
  net::ignore_sigpipe();
  StdinReader in; // before the loop: its handle must outlive the loop's closing of it
  net::Loop loop;
  Probe probe(loop, o, auto_ack);
  in.start(loop, probe);
  net::Signal term(loop, SIGTERM, [&] { probe.quit(); });
  probe.start();
  loop.run();
  in.close();
  return 0;
}
