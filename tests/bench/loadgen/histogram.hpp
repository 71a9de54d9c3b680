// Latency histogram for the load generator: log-linear buckets (64 per power of two, so any
// recorded value is reported within 1.6 %), constant memory whatever the number of samples.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace shoal::bench {

class Histogram
{
public:
  // Records one sample, in nanoseconds.
  void add(std::uint64_t ns)
  {
    ++m_buckets[index(ns)];
    ++m_count;
  }

  // Adds other's samples (another thread's histogram).
  void merge(const Histogram& other)
  {
    for (std::size_t i = 0; i < m_buckets.size(); ++i)
      m_buckets[i] += other.m_buckets[i];
    m_count += other.m_count;
  }

  // Number of samples recorded.
  std::uint64_t count() const { return m_count; }

  // The value (ns) below which a fraction q (0..1) of the samples lie; 0 when empty.
  std::uint64_t quantile(double q) const
  {
    if (m_count == 0)
      return 0;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(m_count - 1));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
      seen += m_buckets[i];
      if (seen > rank)
        return midpoint(i);
    }
    return midpoint(m_buckets.size() - 1);
  }

private:
  static constexpr unsigned sub_bits = 6; // 64 sub-buckets per power of two
  static constexpr std::uint64_t sub = 1u << sub_bits;

  static std::size_t index(std::uint64_t v)
  {
    if (v < 2 * sub)
      return v;
    unsigned shift = static_cast<unsigned>(std::bit_width(v)) - 1 - sub_bits;
    return shift * sub + (v >> shift);
  }

  static std::uint64_t midpoint(std::size_t i)
  {
    if (i < 2 * sub)
      return i;
    std::uint64_t shift = i / sub - 1;
    std::uint64_t mantissa = i - shift * sub;
    return (mantissa << shift) + (std::uint64_t{1} << shift) / 2;
  }

  std::array<std::uint64_t, 64 * sub> m_buckets{};
  std::uint64_t m_count = 0;
};

} // namespace shoal::bench
