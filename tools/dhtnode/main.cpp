// dhtnode: an in-memory DHT node speaking the swarm legacy protocol (man dhtnode(8)).
#include "huge_pages.hpp"
#include "node.hpp"
#include "options.hpp"

#include "cfg/options.hpp"
#include "core/log.hpp"
#include "net/loop.hpp"

#include <csignal>
#include <cstdio>

using namespace shoal;

int
main(int argc, char** argv)
{
  dhtnode::use_huge_pages(argv);
  return cfg::guard_main("dhtnode", [&] {
    CLI::App app{"dhtnode: an in-memory DHT node (swarm legacy protocol)", "dhtnode"};
    dhtnode::Options opts;
    dhtnode::add_options(app, opts);
    if (int code = cfg::parse(app, argc, argv, opts.common); code >= 0)
      return code;
    if (auto status = dhtnode::finish_options(opts); !status)
      return cfg::report("dhtnode", status.error());
    if (opts.common.check_config) {
      std::puts("dhtnode: configuration OK");
      return 0;
    }
    net::ignore_sigpipe();
    net::Loop loop;
    dhtnode::Node node(loop, opts);
    net::Signal term(loop, SIGTERM, [&] { node.shutdown(); });
    net::Signal intr(loop, SIGINT, [&] { node.shutdown(); });
    net::Signal quit(loop, SIGQUIT, [&] { node.shutdown(); });
    net::Signal usr1(loop, SIGUSR1, [&] { node.snapshot(); });
    net::Signal hup(loop, SIGHUP, [&] { node.reload_credentials(); });
    if (auto status = node.start(); !status)
      return cfg::report("dhtnode", status.error());
    loop.run();
    return node.exit_code();
  });
}
