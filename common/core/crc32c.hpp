// CRC-32C (Castagnoli), the checksum of queuenode's overflow records, journal entries and
// checkpoints and of logfilesnode's bucket records: SSE4.2 when the CPU has it, a table otherwise.
#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::core {

// Extends crc (0 to start) over data; crc32c("123456789") == 0xe3069283.
std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0);

} // namespace shoal::core
