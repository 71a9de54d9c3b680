// Node: the queuenode process. Opens its store (loading what a clean shutdown saved, or
// replaying the journal after a crash in durable mode), serves the legacy queue protocol,
// writes stats, drops abandoned subscriptions, and on SIGTERM saves every queue.
#pragma once

#include "channels.hpp"
#include "node_stats.hpp"
#include "options.hpp"
#include "server/pumper.hpp"
#include "server/swarm_session.hpp"
#include "store.hpp"

#include "core/stats.hpp"
#include "net/loop.hpp"
#include "net/tcp_server.hpp"
#include "proto/queue_request.hpp"

#include <limits>
#include <memory>
#include <unordered_set>

namespace shoal::queuenode {

class Session;

class Node
{
public:
  Node(net::Loop& loop, Options opts);
  ~Node();

  // Opens the data directory, starts listening and prints "listening HOST:PORT".
  core::Status start();
  // Stops serving, saves every queue and stops the loop; exit_code() tells how it went.
  void shutdown();
  int exit_code() const { return m_exit_code; }
  // SIGHUP: reads the credentials file again (the old credentials stay if it is bad).
  void reload_credentials();
  // Monotonic milliseconds, the loop's cached clock (read once per loop iteration): what the
  // subscriptions' idle times use. Reading the clock on every Pop cost a saturated node ~4 %.
  std::uint64_t now_ms() { return m_loop.now(); }

  const Options& options() const { return m_opts; }
  Channels& channels() { return *m_channels; }
  NodeStats& stats() { return m_stats; }
  const net::Endpoint& endpoint() const { return m_endpoint; }
  std::size_t connections() const { return m_server ? m_server->connections() : 0; }
  const proto::QueueDecodeLimits& decode_limits() const { return m_limits; }
  server::SessionContext session_context();
  std::uint64_t total_records() const;
  std::uint64_t total_bytes() const;
  core::StatsList stats_list() const;

  // Durable mode: the journal is durable up to here (everything, otherwise).
  std::uint64_t synced() const;
  // A session holds replies until the journal is synced; tell it when it is.
  void wait_acks(Session* session) { m_waiting.insert(session); }
  void forget_acks(Session* session) { m_waiting.erase(session); }

private:
  core::Status open_store();
  core::Status listen();
  void housekeeping();
  void on_synced();

  net::Loop& m_loop;
  Options m_opts;
  NodeStats m_stats;
  proto::QueueDecodeLimits m_limits;
  server::SessionCounters m_session_counters;
  server::Pumper m_pumper;
  net::Async m_synced_async; // the journal's sync thread wakes the loop through it
  std::unique_ptr<Store> m_store;
  std::unique_ptr<net::Prepare> m_publish; // durable mode: journal entries, once an iteration
  std::unique_ptr<Channels> m_channels;
  std::unordered_set<Session*> m_waiting; // sessions holding replies for the journal
  // Last of what the sessions use: destroying it closes them.
  std::unique_ptr<net::TcpServer> m_server;
  net::Endpoint m_endpoint;
  core::StatsLog m_stats_log;
  net::Timer m_stats_timer;
  net::Timer m_housekeeping;
  std::uint64_t m_started_ms = 0;
  int m_exit_code = 0;
  bool m_stopping = false;
};

} // namespace shoal::queuenode
