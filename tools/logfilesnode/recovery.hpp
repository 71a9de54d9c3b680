// Start-up: what the data directory holds. After a clean stop every channel's sizeinfo is
// trusted; after a crash (the checkpoint file is there) every bucket the checkpoint lists is
// read from its checkpointed offset on: records whose checksum holds are kept and counted, and
// the file is cut at the first one that does not (the original cut back to the checkpoint and
// lost the good records after it).
#pragma once

#include "size_info.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace shoal::logfilesnode {

struct Recovery {
  struct Channel {
    std::string name;
    ChannelSize size;
  };
  std::vector<Channel> channels; // every channel directory, by name
  bool crashed = false;          // the checkpoint file was there
  std::uint64_t buckets_checked = 0;
  std::uint64_t records_recovered = 0; // good records found after the checkpointed offsets
  std::uint64_t bytes_cut = 0;         // damaged tails cut off
  std::uint64_t channels_counted = 0;  // channels without a size, counted by reading them
};

// Checks and repairs the data directory as described above; removes what an interrupted
// RemoveChannel left. Errc::io when a file cannot be read or cut.
core::Result<Recovery> recover(const std::string& data_dir, std::uint64_t max_value);

// Counts the records and value bytes of a channel by reading every bucket (gzip ones too).
core::Result<ChannelSize> count_channel(const std::string& channel_dir, std::uint64_t max_value);

} // namespace shoal::logfilesnode
