// The steps both request decoders (request.cpp, queue_request.cpp) are built from: one field
// at a time, each ending the request unless it is ok, then one DecodeResult for all of them.
#pragma once

#include "proto/request.hpp"
#include "proto/wire.hpp"

#include <cstdint>
#include <string_view>

namespace shoal::proto {

// Progress of one decoding step; anything but ok ends the request.
enum class Step { ok, need_more, oversize, malformed };

// A bounded field (channel, key, address): too long means the peer is not speaking the protocol.
Step decode_field(WireReader& in, std::string_view& out, std::uint64_t max_len);

// A value: longer than max_len is refused but skippable (spec §5.1) up to max_discard.
Step decode_payload(WireReader& in,
                    std::string_view& out,
                    std::uint64_t max_len,
                    std::uint64_t max_discard);

// The result of a request whose last step was step.
DecodeResult decode_result(Step step, const WireReader& in);

} // namespace shoal::proto
