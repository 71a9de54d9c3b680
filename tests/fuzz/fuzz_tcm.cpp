// libFuzzer target for the .tcm reader: any input must end cleanly or with an error, never read
// out of bounds (ASan watches), and every record returned must lie inside the input.
#include "store/tcm.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto reader = shoal::store::TcmReader::from_buffer(input, "fuzz");
  if (!reader)
    return 0;
  shoal::store::TcmRecord rec;
  for (;;) {
    auto more = reader->next(rec);
    if (!more || !*more)
      break;
    if (rec.key.data() < input.data() || rec.value.data() + rec.value.size() > input.end())
      std::abort();
  }
  return 0;
}
