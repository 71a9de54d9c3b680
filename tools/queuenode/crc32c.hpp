// CRC-32C (Castagnoli), the checksum of every overflow record, journal entry and checkpoint
// section: the SSE4.2 instruction when the CPU has it, a table otherwise.
#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::queuenode {

// Extends crc (0 to start) over data; crc32c("123456789") == 0xe3069283.
std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0);

} // namespace shoal::queuenode
