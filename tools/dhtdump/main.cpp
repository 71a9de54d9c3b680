// dhtdump: dumps every channel of one dhtnode into .tcm files, periodically or once
// (man dhtdump(8)). main only wires the options, the loop, the signals and the Dumper.
#include "dumper.hpp"
#include "options.hpp"

#include "cfg/options.hpp"
#include "net/loop.hpp"

#include <csignal>
#include <cstdio>

using namespace shoal;

int
main(int argc, char** argv)
{
  return cfg::guard_main("dhtdump", [&] {
    CLI::App app{"dhtdump: dumps the channels of a dhtnode into .tcm files", "dhtdump"};
    dhtdump::Options opts;
    dhtdump::add_options(app, opts);
    if (int code = cfg::parse(app, argc, argv, opts.common); code >= 0)
      return code;
    if (auto status = dhtdump::finish_options(opts); !status)
      return cfg::report("dhtdump", status.error());
    if (opts.common.check_config) {
      std::puts("dhtdump: configuration OK");
      return 0;
    }
    net::ignore_sigpipe();
    net::Loop loop;
    dhtdump::Dumper dumper(loop, opts);
    net::Signal term(loop, SIGTERM, [&] { dumper.shutdown(); });
    net::Signal intr(loop, SIGINT, [&] { dumper.shutdown(); });
    if (auto status = dumper.start(); !status)
      return cfg::report("dhtdump", status.error());
    loop.run();
    return dumper.exit_code();
  });
}
