// The decoding steps shared by the DHT and queue request decoders.
#include "proto/decode_step.hpp"

namespace shoal::proto {

Step
decode_field(WireReader& in, std::string_view& out, std::uint64_t max_len)
{
  switch (in.array(out, max_len)) {
  case ArrayStatus::ok: return Step::ok;
  case ArrayStatus::need_more: return Step::need_more;
  case ArrayStatus::too_long: return Step::malformed;
  }
  return Step::malformed;
}

Step
decode_payload(WireReader& in,
               std::string_view& out,
               std::uint64_t max_len,
               std::uint64_t max_discard)
{
  switch (in.array(out, max_len)) {
  case ArrayStatus::ok: return Step::ok;
  case ArrayStatus::need_more: return Step::need_more;
  case ArrayStatus::too_long:
    return in.announced() <= max_discard ? Step::oversize : Step::malformed;
  }
  return Step::malformed;
}

DecodeResult
decode_result(Step step, const WireReader& in)
{
  switch (step) {
  case Step::ok: return {DecodeStatus::complete, in.consumed(), 0};
  case Step::need_more: return {DecodeStatus::need_more, 0, 0};
  case Step::oversize: return {DecodeStatus::oversize, in.consumed(), in.announced()};
  case Step::malformed: break;
  }
  return {DecodeStatus::malformed, 0, 0};
}

} // namespace shoal::proto
