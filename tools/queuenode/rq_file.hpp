// The .rq dump of one queue's ring, in the original format (specs/swarm.md §4.1):
// u32 items | u64 n | n bytes of items as [u64 length][payload], head to tail, all little endian.
#pragma once

#include "byte_ring.hpp"

#include "core/result.hpp"
#include "store/atomic_file.hpp"

#include <cstdint>
#include <string>

namespace shoal::queuenode {

// Bytes before the items: u32 item count and u64 byte count. The format has no version field:
// it is the original's, byte for byte; a changed format needs another file suffix.
inline constexpr std::size_t rq_header_size = 12;

// Writes the .rq image of ring (header and items) to out.
core::Status write_rq(const ByteRing& ring, store::AtomicFile& out);

// Writes ring to path atomically (temporary file, fsync, rename, directory fsync).
core::Status save_rq(const ByteRing& ring, const std::string& path);

// Reads an .rq image that starts at offset of fd and may use at most limit bytes into ring
// (growing the ring if the image is larger than its capacity). Returns the image's size;
// a damaged image is a bad_data error naming path and the offset.
core::Result<std::uint64_t>
read_rq(int fd, std::uint64_t offset, std::uint64_t limit, const std::string& path, ByteRing& ring);

// Loads the .rq file at path into ring; the image must fill the file exactly. An empty file
// loads as an empty ring.
core::Status load_rq(const std::string& path, ByteRing& ring);

} // namespace shoal::queuenode
