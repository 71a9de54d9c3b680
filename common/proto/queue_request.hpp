// The legacy swarm queue request codec (specs/swarm.md §4.4, §5.1): one decoder for the node,
// one encoder for clients, both driven by the same per-command field list; and the items of
// the client's Produce stream.
#pragma once

#include "proto/queue_codes.hpp"
#include "proto/request.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::proto {

// A decoded (or to-be-encoded) queue request. Fields a command does not carry stay empty. The
// views point into the decoder's input and stay valid until the caller drops those bytes.
struct QueueRequest {
  QueueCommand command{};
  std::string_view channel;               // Push, Pop, GetChannelSize, Consume, Produce, Remove
  std::vector<std::string_view> channels; // PushMulti, ProduceMulti (never empty names)
  std::string_view value;                 // Push, PushMulti

  bool operator==(const QueueRequest&) const = default;
};

// Bounds the decoder enforces so that a hostile peer cannot make a node buffer without limit.
// A node sets max_value from its configuration (its largest record).
struct QueueDecodeLimits {
  std::size_t max_value = 64 * 1024;       // Push/PushMulti value, Produce stream item
  std::size_t max_channel = 4096;          // longer is malformed; an invalid name is the node's
  std::size_t max_channels = 1024;         // PushMulti/ProduceMulti list; more is malformed
  std::uint64_t max_discard = 64ull << 20; // oversize values up to this are skipped, not fatal
};

// Decodes one queue request from the front of input into out (reusing its channels' capacity),
// with decode_request's contract: complete (consumed bytes), need_more (nothing consumed; cheap
// to repeat: no allocation or scan in proportion to a value), oversize (a Push/PushMulti value
// over max_value but within max_discard: consumed ends at the value's length prefix, discard is
// its length, out holds the command and the channel(s); answer ValueTooBig), malformed (an
// unknown code, a channel over max_channel, a list over max_channels, a value over
// max_discard: close the connection). Never throws, never reads past input.
DecodeResult
decode_queue_request(std::string_view input, const QueueDecodeLimits& limits, QueueRequest& out);

// Appends the wire bytes of request; decode_queue_request(those bytes) gives request back.
// Fields the command does not carry are ignored; the names in channels must not be empty (an
// empty name ends the list on the wire).
void encode_queue_request(const QueueRequest& request, std::string& out);

// Decodes one item of a Produce/ProduceMulti stream (a value array) from the front of input,
// with the same statuses: complete (value set; an empty value ends the stream), need_more,
// oversize (skip discard bytes after consumed; the node drops the record), malformed.
DecodeResult decode_produce_item(std::string_view input,
                                 const QueueDecodeLimits& limits,
                                 std::string_view& value);

// Appends one record of a Produce stream; value must not be empty.
void encode_produce_item(std::string_view value, std::string& out);

// Appends the empty value that ends a Produce stream.
void encode_produce_end(std::string& out);

} // namespace shoal::proto
