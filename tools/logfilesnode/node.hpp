// Node: the logfilesnode process. Recovers the data directory, runs the writer thread, serves
// the legacy protocol, writes stats, and on SIGTERM stops serving, lets the writer finish and
// sync everything, and exits.
#pragma once

#include "channels.hpp"
#include "crypto/credentials.hpp"
#include "node_stats.hpp"
#include "options.hpp"
#include "server/pumper.hpp"
#include "server/swarm_session.hpp"
#include "writer.hpp"

#include "core/stats.hpp"
#include "net/loop.hpp"
#include "net/tcp_server.hpp"
#include "proto/request.hpp"

#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

namespace shoal::logfilesnode {

class Session;

class Node
{
public:
  Node(net::Loop& loop, Options opts);
  ~Node();

  // Recovers the data directory, starts the writer, listens and prints "listening HOST:PORT".
  core::Status start();
  // Stops serving, lets the writer finish (sizes written, checkpoint removed) and stops the
  // loop; exit_code() tells how it went.
  void shutdown();
  int exit_code() const { return m_exit_code; }

  net::Loop& loop() { return m_loop; }
  const Options& options() const { return m_opts; }
  NodeStats& stats() { return m_stats; }
  Channels& channels() { return m_channels; }
  Writer& writer() { return *m_writer; }
  const net::Endpoint& endpoint() const { return m_endpoint; }
  std::size_t connections() const { return m_server ? m_server->connections() : 0; }
  const proto::DecodeLimits& decode_limits() const { return m_limits; }
  server::SessionContext session_context();

  // Removes a channel: its files go at once (on the writer thread); the reply follows.
  std::uint64_t remove_channel(std::string_view name);
  // Records and value bytes of a channel (nothing if unknown), and of all channels.
  ChannelSize size_of(std::string_view name) const;
  ChannelSize total_size() const;

  // A session whose replies wait for the writer; it is released as groups finish.
  void wait_for_writer(Session* session) { m_waiting.insert(session); }
  // More records wait for the disk than --max-backlog: writers should wait.
  bool disk_behind() const { return m_writer->backlog() > m_opts.max_backlog; }
  // A session that stopped reading because the disk is behind; resumed when it catches up.
  void throttle(Session* session);
  // The session is gone (or waits for nothing any more).
  void forget(Session* session);

  // The stats every report shows (stats log and GetStats).
  core::StatsList stats_list() const;
  // Re-reads the credentials file (SIGHUP); on error the old credentials stay in force.
  void reload_credentials();

private:
  core::Status recover();
  core::Status listen();
  void on_writer();

  net::Loop& m_loop;
  Options m_opts;
  NodeStats m_stats;
  Channels m_channels;
  std::unique_ptr<Writer> m_writer;
  proto::DecodeLimits m_limits;
  std::optional<crypto::Credentials> m_credentials;
  std::unique_ptr<net::TcpServer> m_server;
  net::Endpoint m_endpoint;
  core::StatsLog m_stats_log;
  net::Timer m_stats_timer;
  net::Async m_writer_done; // the writer finished a group
  net::Prepare m_publish;   // hands the loop's operations to the writer once per iteration
  server::SessionCounters m_session_counters;
  server::Pumper m_pumper;
  std::unordered_set<Session*> m_waiting;   // sessions with replies waiting for the writer
  std::unordered_set<Session*> m_throttled; // sessions not read while the disk is behind
  std::vector<GroupResult> m_results;       // reused by on_writer
  std::vector<std::uint64_t> m_failed;      // reused by on_writer
  std::uint64_t m_started_ms = 0;
  int m_exit_code = 0;
  bool m_stopping = false;
};

} // namespace shoal::logfilesnode
