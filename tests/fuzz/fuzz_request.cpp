// libFuzzer target for the legacy protocol decoders: requests (as a server reads them back to
// back), responses (as a client reads them) and LZO record batches.
#include "proto/batch.hpp"
#include "proto/request.hpp"
#include "proto/response.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace shoal::proto;

namespace {

// Decodes requests like a server connection would: complete ones are consumed, oversize values
// are skipped, anything else ends the stream. Every complete request must re-encode to exactly
// the bytes it was decoded from.
void
fuzz_requests(std::string_view input)
{
  DecodeLimits limits;
  limits.max_value = 256; // small limits so that the oversize and limit paths are reached
  limits.max_batch = 512;
  limits.max_channel = 64;
  limits.max_nodes = 8;
  limits.max_discard = 4096;
  Request request;
  std::string encoded;
  while (!input.empty()) {
    DecodeResult res = decode_request(input, limits, request);
    if (res.status == DecodeStatus::complete) {
      encoded.clear();
      encode_request(request, encoded);
      if (res.consumed == 0 || encoded != input.substr(0, res.consumed))
        std::abort();
      input.remove_prefix(res.consumed);
    } else if (res.status == DecodeStatus::oversize) {
      if (res.consumed > input.size() || res.discard > input.size() - res.consumed)
        return;
      input.remove_prefix(res.consumed + static_cast<std::size_t>(res.discard));
    } else {
      return;
    }
  }
}

void
fuzz_responses(std::string_view input)
{
  ReadLimits limits;
  limits.max_array = 4096;
  limits.max_channels = 16;
  Response response;
  for (std::int32_t code = 0; code <= 64; ++code) {
    if (!known_command(code))
      continue;
    ReadResult res = read_response(static_cast<Command>(code), input, limits, response);
    if (res.consumed > input.size())
      std::abort();
  }
  std::string_view key, value;
  (void)read_pair(input, limits.max_array, key, value);
}

void
walk_batch(std::string_view raw)
{
  std::string_view key, value;
  BatchReader pairs(raw);
  while (pairs.next_pair(key, value)) {
  }
  BatchReader keys(raw);
  while (keys.next_key(key)) {
  }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_requests(input);
  fuzz_responses(input);
  walk_batch(input);
  static std::string raw; // reused like a server would, to keep runs fast
  if (decompress_batch(input, default_batch_size, raw).ok())
    walk_batch(raw);
  return 0;
}
