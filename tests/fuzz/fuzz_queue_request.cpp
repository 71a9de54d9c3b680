// libFuzzer target for the queue protocol decoders: requests and Produce stream items (as a
// node reads them back to back) and responses and Consume items (as a client reads them).
#include "proto/queue_codes.hpp"
#include "proto/queue_request.hpp"
#include "proto/queue_response.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace shoal::proto;

namespace {

QueueDecodeLimits
small_limits()
{
  QueueDecodeLimits limits; // small, so that the oversize and limit paths are reached
  limits.max_value = 256;
  limits.max_channel = 64;
  limits.max_channels = 8;
  limits.max_discard = 4096;
  return limits;
}

// Skips an oversize item like a node would; false when the discard runs past the input.
bool
skip(std::string_view& input, const DecodeResult& res)
{
  if (res.consumed > input.size() || res.discard > input.size() - res.consumed)
    return false;
  input.remove_prefix(res.consumed + static_cast<std::size_t>(res.discard));
  return true;
}

// Reads a Produce stream until its end; false when the input ran out or was malformed.
bool
produce_stream(std::string_view& input, const QueueDecodeLimits& limits)
{
  for (;;) {
    std::string_view value;
    DecodeResult res = decode_produce_item(input, limits, value);
    if (res.status == DecodeStatus::oversize) {
      if (!skip(input, res))
        return false;
      continue;
    }
    if (res.status != DecodeStatus::complete)
      return false;
    if (res.consumed == 0 || res.consumed > input.size() || value.size() > limits.max_value)
      std::abort();
    input.remove_prefix(res.consumed);
    if (value.empty())
      return true;
  }
}

// Decodes requests like a node connection: complete ones must re-encode to exactly the bytes
// they were decoded from; Produce and ProduceMulti are followed by their stream.
void
fuzz_requests(std::string_view input)
{
  const QueueDecodeLimits limits = small_limits();
  QueueRequest request;
  std::string encoded;
  while (!input.empty()) {
    DecodeResult res = decode_queue_request(input, limits, request);
    if (res.status == DecodeStatus::oversize) {
      if (!skip(input, res))
        return;
      continue;
    }
    if (res.status != DecodeStatus::complete)
      return;
    encoded.clear();
    encode_queue_request(request, encoded);
    if (res.consumed == 0 || encoded != input.substr(0, res.consumed))
      std::abort();
    if (request.channels.size() > limits.max_channels)
      std::abort();
    input.remove_prefix(res.consumed);
    bool streams =
        request.command == QueueCommand::produce || request.command == QueueCommand::produce_multi;
    if (streams && !produce_stream(input, limits))
      return;
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
    if (!known_queue_command(code))
      continue;
    ReadResult res = read_response(static_cast<QueueCommand>(code), input, limits, response);
    if (res.consumed > input.size())
      std::abort();
  }
  std::string_view rest = input, value;
  for (;;) { // a Consume stream's values
    ReadResult res = read_array(rest, limits.max_array, value);
    if (res.status != ReadStatus::complete || value.empty())
      break;
    rest.remove_prefix(res.consumed);
  }
  (void)parse_consume_target(input.substr(0, 600));
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_requests(input);
  fuzz_responses(input);
  return 0;
}
