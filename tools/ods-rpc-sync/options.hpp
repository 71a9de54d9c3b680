// ods-rpc-sync's option table: every setting, as a --flag and as a config-file name.
#pragma once

#include "syncer.hpp"

#include "cfg/common.hpp"
#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace shoal::odsrpcsync {

struct Options {
  cfg::CommonOptions common;
  SyncOptions sync; // the directory, the node id, the state directory, the timings
  // RabbitMQ (--amqp)
  std::string amqp_url;
  std::string amqp_exchange = "ods-rpc.flags";
  std::string amqp_credentials; // FILE of "user:password"
  std::string amqp_cacert, amqp_cert, amqp_key;
  std::uint64_t amqp_heartbeat_ms = 30'000;
  // queuenode (--queue)
  std::vector<std::string> queue_nodes; // HOST:PORT, repeatable
  std::string queue_channel = "ods-rpc-sync";
};

// Declares every option on app (the option table), bound to opts.
void add_options(CLI::App& app, Options& opts);

// Checks what CLI11 cannot: exactly one transport, the node id, the directories. Errors name
// the option.
core::Status finish_options(Options& opts);

} // namespace shoal::odsrpcsync
