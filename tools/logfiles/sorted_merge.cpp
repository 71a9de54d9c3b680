// SortedMerge: per-node bucket marks and the buckets they release.
#include "sorted_merge.hpp"

#include <algorithm>
#include <limits>

namespace shoal::logfiles {

namespace {
constexpr unsigned bucket_bits = 12; // 4096 keys per bucket (specs/swarm.md §3.2)
constexpr std::uint64_t done_mark = std::numeric_limits<std::uint64_t>::max();
} // namespace

SortedMerge::SortedMerge(std::size_t nodes, Emit emit) : m_emit(std::move(emit)), m_mark(nodes, 0)
{
}

void
SortedMerge::add(std::size_t node, std::uint64_t key, std::string_view value)
{
  const std::uint64_t bucket = key >> bucket_bits;
  if (bucket < m_mark[node] || bucket < m_emitted_below)
    m_disordered = true; // still held or emitted: late, but never lost
  bool advanced = bucket > m_mark[node];
  m_mark[node] = std::max(m_mark[node], bucket);
  m_held[bucket].emplace_back(key, std::string(value));
  if (advanced)
    emit_below(*std::min_element(m_mark.begin(), m_mark.end()));
}

void
SortedMerge::end(std::size_t node)
{
  m_mark[node] = done_mark;
  std::uint64_t low = *std::min_element(m_mark.begin(), m_mark.end());
  if (low == done_mark)
    finish();
  else
    emit_below(low);
}

void
SortedMerge::finish()
{
  emit_below(done_mark); // buckets are key >> 12: every one is below done_mark
}

void
SortedMerge::emit_below(std::uint64_t bucket)
{
  while (!m_held.empty() && m_held.begin()->first < bucket) {
    auto node = m_held.extract(m_held.begin());
    Records& records = node.mapped();
    std::stable_sort(records.begin(), records.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, value] : records)
      m_emit(key, value);
  }
  m_emitted_below = std::max(m_emitted_below, bucket);
}

} // namespace shoal::logfiles
