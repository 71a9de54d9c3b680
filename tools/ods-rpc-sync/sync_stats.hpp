// What a running ods-rpc-sync counts: its own changes, what came in and what became of it, the
// summaries, and per peer (origin node) the last update applied and how late it was.
#pragma once

#include "transport.hpp"

#include "core/stats.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace shoal::odsrpcsync {

struct PeerStats {
  std::uint64_t applied = 0;
  std::uint64_t last_ts_ns = 0;      // the version time of the last update applied
  std::uint64_t last_applied_ns = 0; // wall time it was applied
  std::uint64_t lag_ms = 0;          // applied minus version time, for that update
};

struct SyncStats {
  std::uint64_t local_changes = 0;  // changes made here, published
  std::uint64_t received = 0;       // updates received (own echoes included)
  std::uint64_t applied = 0;        // remote updates written to the directory
  std::uint64_t stale = 0;          // older than what was known: dropped
  std::uint64_t duplicates = 0;     // exactly what was known (echoes, repeats): dropped
  std::uint64_t refused = 0;        // malformed messages, refused and never applied
  std::uint64_t apply_failures = 0; // could not be written (disk); repaired by a summary
  std::uint64_t illegal_local = 0;  // local files with a value ods-rpc would not read
  std::uint64_t rescans = 0;        // whole-directory scans (start, inotify overflow)
  std::uint64_t summaries_sent = 0;
  std::uint64_t summaries_received = 0;
  std::uint64_t repairs_sent = 0; // updates sent because a peer's summary lacked them
  std::map<std::string, PeerStats> peers;
};

// The key:value pairs of the stats log and of the status file.
core::StatsList stats_list(const SyncStats& s, const TransportStats& t, std::uint64_t now_ns);

} // namespace shoal::odsrpcsync
