// Node: the dhtnode process. Loads the dumps, serves the legacy protocol, writes stats, takes
// periodic snapshots if asked, and on SIGTERM stops serving and dumps every channel.
#pragma once

#include "crypto/credentials.hpp"
#include "node_stats.hpp"
#include "options.hpp"
#include "server/pumper.hpp"
#include "server/swarm_session.hpp"
#include "snapshot.hpp"
#include "storage.hpp"

#include "client/node_options.hpp"
#include "core/stats.hpp"
#include "net/loop.hpp"
#include "net/tcp_server.hpp"
#include "proto/request.hpp"

#include <memory>
#include <optional>
#include <unordered_set>

namespace shoal::dhtnode {

class Session;
class Redistributor;

class Node
{
public:
  Node(net::Loop& loop, Options opts);
  ~Node();

  // Loads the data directory, starts listening and prints "listening HOST:PORT".
  core::Status start();
  // Stops serving, dumps every channel, and stops the loop; exit_code() tells how it went.
  void shutdown();
  int exit_code() const { return m_exit_code; }

  net::Loop& loop() { return m_loop; }
  Storage& storage() { return m_storage; }
  const Options& options() const { return m_opts; }
  NodeStats& stats() { return m_stats; }
  const proto::HashRange& range() const { return m_range; }
  // Adopts a new range (Redistribute) and records it in the config file if there is one.
  void set_range(const proto::HashRange& range);
  const net::Endpoint& endpoint() const { return m_endpoint; }
  std::size_t connections() const { return m_server ? m_server->connections() : 0; }
  // Whom to authenticate as towards other nodes (Redistribute), from --peer-name.
  std::optional<client::AuthIdentity> peer_identity() const;
  const crypto::Credentials* credentials() const
  {
    return m_credentials ? &*m_credentials : nullptr;
  }
  const proto::DecodeLimits& decode_limits() const { return m_limits; }
  Redistributor& redistributor() { return *m_redistributor; }

  // Removes a channel: frees it, tells its listeners and moves its dump under deleted/.
  void remove_channel(std::string_view name);
  // What sessions need from the node (credentials, counters, the pumper).
  server::SessionContext session_context();
  // The stats every report shows (stats log and GetStats).
  core::StatsList stats_list() const;
  // Starts a snapshot dump now unless one is running (SIGUSR1, --dump-period).
  void snapshot();
  // Re-reads the credentials file (SIGHUP); on error the old credentials stay in force.
  void reload_credentials();

private:
  core::Status load();
  core::Status listen();
  void start_timers();
  void redo_removals();
  void snapshot_done(bool ok, std::uint64_t took_ms);

  net::Loop& m_loop;
  Options m_opts;
  Storage m_storage;
  NodeStats m_stats;
  proto::HashRange m_range;
  proto::DecodeLimits m_limits;
  std::optional<crypto::Credentials> m_credentials;
  std::unique_ptr<net::TcpServer> m_server;
  net::Endpoint m_endpoint;
  core::StatsLog m_stats_log;
  net::Timer m_stats_timer;
  net::Timer m_dump_timer;
  server::SessionCounters m_session_counters;
  server::Pumper m_pumper;
  std::unique_ptr<Snapshot> m_snapshot;
  std::vector<std::string> m_removed_during_snapshot; // their files go back to deleted/ after
  std::unique_ptr<Redistributor> m_redistributor;
  std::uint64_t m_started_ms = 0;
  int m_exit_code = 0;
  bool m_stopping = false;
};

} // namespace shoal::dhtnode
