// DumpCycle: one dump of a whole node: GetChannels, then every channel in turn through a
// ChannelDump. The first failure ends the cycle (the files of the channels before it are
// complete, the failed channel keeps its previous file).
#pragma once

#include "channel_dump.hpp"
#include "dump_stats.hpp"

#include "client/node_client.hpp"
#include "core/result.hpp"
#include "net/loop.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shoal::dhtdump {

// How a cycle ended.
enum class CycleOutcome {
  done,        // every channel dumped
  failed,      // a request or a file failed; error says which
  interrupted, // stop() was called while a file was being committed
};

// What a cycle did, for the log, the stats and the next wait.
struct CycleReport {
  CycleOutcome outcome = CycleOutcome::done;
  std::optional<core::Error> error; // set when failed
  std::size_t channels = 0;         // channels dumped completely
  std::uint64_t records = 0;        // records in those channels' files
  std::uint64_t bytes = 0;          // their bytes, key + value + 16 per record
  std::uint64_t ms = 0;             // the cycle's duration
};

class DumpCycle
{
public:
  // Receives the report once, on the loop (never inside start() or stop()).
  using Done = std::function<void(const CycleReport&)>;

  // A cycle dumping client's node into dir, counting in stats.
  DumpCycle(
      net::Loop& loop, client::NodeClient& client, DumpStats& stats, std::string dir, Done done);
  DumpCycle(const DumpCycle&) = delete;
  DumpCycle& operator=(const DumpCycle&) = delete;

  // Asks the node for its channels; the dumps follow.
  void start();
  // Ends the cycle: true when it stopped at once (done never runs), false when a file is being
  // committed (done runs after that, reporting interrupted, or done if it was the last channel).
  bool stop();
  // True from start() until done has run or stop() was called.
  bool running() const { return m_started && !m_finished && !m_stopping; }

private:
  void on_channels(client::Reply<std::vector<std::string>> reply);
  void next_channel();
  void on_channel_done(core::Result<ChannelReport> result);
  void finish(CycleOutcome outcome, std::optional<core::Error> error = std::nullopt);

  net::Loop& m_loop;
  client::NodeClient& m_client;
  DumpStats& m_stats;
  std::string m_dir;
  Done m_done;
  std::uint64_t m_started_ms = 0;
  std::vector<std::string> m_channels;
  std::size_t m_next = 0;
  std::unique_ptr<ChannelDump> m_current;
  std::unique_ptr<ChannelDump> m_previous;
  CycleReport m_report;
  bool m_started = false;
  bool m_stopping = false;
  bool m_finished = false;
};

} // namespace shoal::dhtdump
