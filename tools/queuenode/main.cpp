// queuenode: a queue node speaking the swarm legacy queue protocol (man queuenode(8)).
#include "node.hpp"
#include "options.hpp"

#include "cfg/options.hpp"
#include "net/loop.hpp"

#include <csignal>
#include <cstdio>

using namespace shoal;

int
main(int argc, char** argv)
{
  return cfg::guard_main("queuenode", [&] {
    CLI::App app{"queuenode: a queue node (swarm legacy queue protocol)", "queuenode"};
    queuenode::Options opts;
    queuenode::add_options(app, opts);
    if (int code = cfg::parse(app, argc, argv, opts.common); code >= 0)
      return code;
    if (auto status = queuenode::finish_options(opts); !status)
      return cfg::report("queuenode", status.error());
    if (opts.common.check_config) {
      std::puts("queuenode: configuration OK");
      return 0;
    }
    net::ignore_sigpipe();
    net::Loop loop;
    queuenode::Node node(loop, opts);
    net::Signal term(loop, SIGTERM, [&] { node.shutdown(); });
    net::Signal intr(loop, SIGINT, [&] { node.shutdown(); });
    net::Signal quit(loop, SIGQUIT, [&] { node.shutdown(); });
    net::Signal hup(loop, SIGHUP, [&] { node.reload_credentials(); });
    if (auto status = node.start(); !status)
      return cfg::report("queuenode", status.error());
    loop.run();
    return node.exit_code();
  });
}
