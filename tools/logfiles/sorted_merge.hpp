// SortedMerge: turns the interleaved streams of several log nodes into one stream sorted by
// key (get-range --sort). Each node sends its records in ascending buckets (4096 keys each,
// records inside one bucket in append order), so a bucket is complete once every node has
// sent a later bucket or ended: it is then sorted (stably, keeping the append order of equal
// keys, which always come from one node) and emitted. Memory holds the buckets that the
// fastest node got ahead of the slowest.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoal::logfiles {

class SortedMerge
{
public:
  // Receives the records in key order.
  using Emit = std::function<void(std::uint64_t key, std::string_view value)>;

  // Merges the streams of nodes nodes.
  SortedMerge(std::size_t nodes, Emit emit);

  // A record from node, in that node's bucket order.
  void add(std::size_t node, std::uint64_t key, std::string_view value);
  // node has sent all its records.
  void end(std::size_t node);
  // Emits everything still held (after every node's end, or to flush a partial read).
  void finish();
  // True when a node broke the bucket order (its later records may come out of order).
  bool disordered() const { return m_disordered; }

private:
  void emit_below(std::uint64_t bucket); // emits the buckets before bucket

  using Records = std::vector<std::pair<std::uint64_t, std::string>>;
  Emit m_emit;
  std::vector<std::uint64_t> m_mark; // per node: the bucket of its last record, or max at its end
  std::map<std::uint64_t, Records> m_held; // bucket -> its records in arrival order
  std::uint64_t m_emitted_below = 0;       // every bucket before this one was emitted
  bool m_disordered = false;
};

} // namespace shoal::logfiles
