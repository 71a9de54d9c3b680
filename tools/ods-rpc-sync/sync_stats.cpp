// stats_list: the counters in the order an operator reads them, peers last.
#include "sync_stats.hpp"

namespace shoal::odsrpcsync {

core::StatsList
stats_list(const SyncStats& s, const TransportStats& t, std::uint64_t now_ns)
{
  core::StatsList l;
  l.add("local_changes", s.local_changes);
  l.add("received", s.received);
  l.add("applied", s.applied);
  l.add("stale", s.stale);
  l.add("duplicates", s.duplicates);
  l.add("refused", s.refused);
  l.add("apply_failures", s.apply_failures);
  l.add("illegal_local", s.illegal_local);
  l.add("rescans", s.rescans);
  l.add("summaries_sent", s.summaries_sent);
  l.add("summaries_received", s.summaries_received);
  l.add("repairs_sent", s.repairs_sent);
  l.add("transport/published", t.published);
  l.add("transport/confirmed", t.confirmed);
  l.add("transport/republished", t.republished);
  l.add("transport/nacked", t.nacked);
  l.add("transport/dropped", t.dropped);
  l.add("transport/received", t.received);
  l.add("transport/dead_lettered", t.dead_lettered);
  l.add("transport/connects", t.connects);
  l.add("transport/connect_failures", t.connect_failures);
  for (const auto& [peer, p] : s.peers) {
    std::string k = "peer/" + peer + "/";
    l.add(k + "applied", p.applied);
    l.add(k + "last_ts_ns", p.last_ts_ns);
    l.add(k + "seconds_since_last",
          p.last_applied_ns ? (now_ns - p.last_applied_ns) / 1'000'000'000u : 0);
    l.add(k + "lag_ms", p.lag_ms);
  }
  return l;
}

} // namespace shoal::odsrpcsync
