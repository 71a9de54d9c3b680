// logfilesnode: a disk log store keyed by 64-bit timestamps, speaking the swarm legacy protocol
// (man logfilesnode(8)).
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
  return cfg::guard_main("logfilesnode", [&] {
    CLI::App app{"logfilesnode: a disk log store (swarm legacy protocol)", "logfilesnode"};
    logfilesnode::Options opts;
    logfilesnode::add_options(app, opts);
    if (int code = cfg::parse(app, argc, argv, opts.common); code >= 0)
      return code;
    if (auto status = logfilesnode::finish_options(opts); !status)
      return cfg::report("logfilesnode", status.error());
    if (opts.common.check_config) {
      std::puts("logfilesnode: configuration OK");
      return 0;
    }
    net::ignore_sigpipe();
    std::signal(SIGXFSZ, SIG_IGN); // a file size limit is a write error (EFBIG), not a death
    net::Loop loop;
    logfilesnode::Node node(loop, opts);
    net::Signal term(loop, SIGTERM, [&] { node.shutdown(); });
    net::Signal intr(loop, SIGINT, [&] { node.shutdown(); });
    net::Signal quit(loop, SIGQUIT, [&] { node.shutdown(); });
    net::Signal hup(loop, SIGHUP, [&] { node.reload_credentials(); });
    if (auto status = node.start(); !status)
      return cfg::report("logfilesnode", status.error());
    loop.run();
    return node.exit_code();
  });
}
