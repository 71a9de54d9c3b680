// ChannelDump: one channel of the node into <dir>/<channel>.tcm. GetAll streams the records
// straight into a TcmWriter (the channel is never held in memory); a second GetChannels makes sure
// the channel was not removed meanwhile; the file is synced and renamed into place on the thread
// pool. Any failure deletes the temporary file.
#pragma once

#include "dump_stats.hpp"

#include "client/node_client.hpp"
#include "core/result.hpp"
#include "net/loop.hpp"
#include "store/tcm.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shoal::dhtdump {

// What a completed channel dump wrote.
struct ChannelReport {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0; // key + value + 16 per record
  bool removed = false;    // the node removed the channel during the dump: nothing was written
};

class ChannelDump
{
public:
  // Receives the outcome once: the file is in place, or the error (and the file is gone).
  using Done = std::function<void(core::Result<ChannelReport>)>;

  // Dumps channel of client's node into dir; counts every record written in stats.
  ChannelDump(net::Loop& loop,
              client::NodeClient& client,
              DumpStats& stats,
              const std::string& dir,
              std::string channel,
              Done done);
  ChannelDump(const ChannelDump&) = delete;
  ChannelDump& operator=(const ChannelDump&) = delete;
  // Stops as stop() does; a commit already running completes on the thread pool unobserved.
  ~ChannelDump();

  // Creates the temporary file and starts GetAll; on error nothing runs later (done neither).
  core::Status start();
  // Ends the dump: returns true when it stopped (stream cancelled, temporary file deleted, done
  // never runs), false while the file is being committed (done runs when that ends).
  bool stop();

  // The channel's name.
  const std::string& channel() const { return m_channel; }

private:
  enum class State { idle, streaming, checking, committing, finished };

  void on_record(std::uint64_t key, std::string_view value);
  void on_stream_end(client::Reply<void> reply);
  void on_channels(client::Reply<std::vector<std::string>> reply);
  void commit();
  void fail(core::Error error);
  void finish(core::Result<ChannelReport> result);

  net::Loop& m_loop;
  client::NodeClient& m_client;
  DumpStats& m_stats;
  std::string m_channel;
  std::string m_path;
  Done m_done;
  State m_state = State::idle;
  std::optional<store::TcmWriter> m_writer;
  client::StreamId m_stream = 0;
  // Expires with this object: an answer or a commit arriving later must not call back into it.
  std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace shoal::dhtdump
