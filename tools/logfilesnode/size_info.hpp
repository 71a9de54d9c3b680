// A channel's size (records and value bytes) and its legacy `sizeinfo` file (specs/swarm.md
// §3.3: u64 records | u64 value bytes, little endian), which GetSize and GetChannelSize answer
// from and the original's tools read.
#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace shoal::logfilesnode {

inline constexpr const char* size_info_file = "sizeinfo";

struct ChannelSize {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0; // values only, as the original counted

  ChannelSize& operator+=(const ChannelSize& o)
  {
    records += o.records;
    bytes += o.bytes;
    return *this;
  }
  bool operator==(const ChannelSize&) const = default;
};

// Reads channel_dir/sizeinfo; nullopt if it is missing or not 16 bytes.
std::optional<ChannelSize> read_size_info(const std::string& channel_dir);

// Writes channel_dir/sizeinfo atomically.
core::Status write_size_info(const std::string& channel_dir, const ChannelSize& size);

} // namespace shoal::logfilesnode
