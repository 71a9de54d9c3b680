// CRC-32C: hardware crc32 instructions on x86-64 with SSE4.2 (checked once at run time),
// a byte-wise table elsewhere. Both give the same values (reflected polynomial 0x82f63b78).
#include "core/crc32c.hpp"

#include <array>
#include <cstring>

namespace shoal::core {

namespace {

constexpr std::array<std::uint32_t, 256>
make_table()
{
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr auto table = make_table();

std::uint32_t
crc_table(const unsigned char* p, std::size_t n, std::uint32_t crc)
{
  while (n--)
    crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t
crc_hw(const unsigned char* p, std::size_t n, std::uint32_t crc)
{
  std::uint64_t c = crc;
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    c = __builtin_ia32_crc32di(c, word);
  }
  auto c32 = static_cast<std::uint32_t>(c);
  for (; n > 0; --n)
    c32 = __builtin_ia32_crc32qi(c32, *p++);
  return c32;
}

// Asked once; __builtin_cpu_init must run first when this runs before main.
bool
have_hw()
{
  static const bool yes = (__builtin_cpu_init(), __builtin_cpu_supports("sse4.2"));
  return yes;
}
#endif

} // namespace

std::uint32_t
crc32c(std::string_view data, std::uint32_t crc)
{
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  crc = ~crc;
#if defined(__x86_64__)
  if (have_hw())
    return ~crc_hw(p, data.size(), crc);
#endif
  return ~crc_table(p, data.size(), crc);
}

} // namespace shoal::core
