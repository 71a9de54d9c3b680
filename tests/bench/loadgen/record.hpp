// The records of the queue workload: each carries its push time and a sequence number, so that
// the consumer measures push-to-consume latency and detects damaged or duplicated records
// without any state shared with the producer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::bench {

// 16 hex digits of send time, 16 of sequence number; the rest is filler.
inline constexpr std::size_t record_header = 32;

struct RecordHeader {
  std::uint64_t sent_ns = 0; // CLOCK_MONOTONIC when the push was queued
  std::uint64_t seq = 0;     // 0, 1, 2, ... in push order (over all producers)
};

// Appends a record of exactly size bytes (size >= record_header): the header in lowercase hex,
// then printable filler that is a function of seq (so a consumer can check every byte).
void append_record(const RecordHeader& header, std::size_t size, std::string& out);

// The header of a well-formed record of size bytes; nullopt if any byte is off.
std::optional<RecordHeader> check_record(std::string_view record, std::size_t size);

} // namespace shoal::bench
