// ods-rpc-sync: keeps an ods-rpc flag directory identical across a cluster (man ods-rpc-sync(8)).
#include "options.hpp"
#include "status_command.hpp"
#include "syncer.hpp"
#include "transports.hpp"

#include "cfg/options.hpp"
#include "core/sd_notify.hpp"
#include "net/loop.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>

using namespace shoal;

int
main(int argc, char** argv)
{
  if (argc > 1 && std::strcmp(argv[1], "status") == 0)
    return odsrpcsync::run_status(argc - 1, argv + 1);
  return cfg::guard_main("ods-rpc-sync", [&] {
    CLI::App app{"ods-rpc-sync: keeps an ods-rpc flag directory identical across a cluster "
                 "(subcommand: status)",
                 "ods-rpc-sync"};
    odsrpcsync::Options opts;
    odsrpcsync::add_options(app, opts);
    if (int code = cfg::parse(app, argc, argv, opts.common); code >= 0)
      return code;
    if (auto status = odsrpcsync::finish_options(opts); !status)
      return cfg::report("ods-rpc-sync", status.error());
    if (opts.common.check_config) {
      std::puts("ods-rpc-sync: configuration OK");
      return 0;
    }
    net::ignore_sigpipe();
    net::Loop loop;
    auto transport = odsrpcsync::make_transport(loop, opts);
    if (!transport)
      return cfg::report("ods-rpc-sync", transport.error());
    odsrpcsync::Syncer syncer(loop, opts.sync, std::move(*transport));
    net::Signal term(loop, SIGTERM, [&] { syncer.shutdown(); });
    net::Signal intr(loop, SIGINT, [&] { syncer.shutdown(); });
    if (auto status = syncer.start(); !status)
      return cfg::report("ods-rpc-sync", status.error());
    std::printf("ready %s\n", opts.sync.node_id.c_str());
    std::fflush(stdout);
    core::sd_notify("READY=1\nSTATUS=syncing");
    loop.run();
    return 0;
  });
}
