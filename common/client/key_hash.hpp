// Turning arbitrary strings into 64-bit DHT keys (dht --hash): FNV-1a 64, documented in dht(1)
// so that other programs can compute the same keys.
#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::client {

// FNV-1a 64 over the bytes of text (offset basis 0xcbf29ce484222325, prime 0x100000001b3);
// fnv1a64("hello") == 0xa430d84680aabd0b. Changing it would orphan every key made with it.
constexpr std::uint64_t
fnv1a64(std::string_view text)
{
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

} // namespace shoal::client
