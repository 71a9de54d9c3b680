// The legacy swarm request codec (specs/swarm.md §1.3, §5.1): one decoder for servers, one
// encoder for clients, both driven by the same per-command field list.
#pragma once

#include "proto/batch.hpp"
#include "proto/codes.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::proto {

// One Redistribute target: the node and the hash range it takes over.
struct NodeRange {
  std::string address; // never empty on the wire: an empty address ends the list
  std::uint16_t port = 0;
  std::uint64_t min = 0;
  std::uint64_t max = 0;

  bool operator==(const NodeRange&) const = default;
};

// A decoded (or to-be-encoded) request. Fields a command does not carry stay empty/zero. The
// views point into the decoder's input and stay valid until the caller drops those bytes.
struct Request {
  Command command{};
  std::string_view channel;
  std::string_view key;     // 16 hex digits as sent; the decoder does not validate them
  std::string_view key_max; // GetRange*: the range's last key, hex as sent
  std::string_view value;   // Put value, Get*Filter filter, PutBatch compressed batch payload
  std::uint64_t min = 0;    // Redistribute: the receiving node's new range
  std::uint64_t max = 0;
  std::vector<NodeRange> nodes; // Redistribute: where to send the records outside the range

  bool operator==(const Request&) const = default;
};

// Bounds the decoder enforces so that a hostile peer cannot make a server buffer without limit.
struct DecodeLimits {
  std::size_t max_value = 64 * 1024;                               // Put value, GetAllFilter filter
  std::size_t max_batch = batch_payload_bound(default_batch_size); // PutBatch payload
  std::size_t max_channel = 4096; // longer is malformed; longer than 250 is BadChannelName
  std::size_t max_key = 64;       // longer is malformed; a bad key is the server's to answer
  std::size_t max_nodes = 1024;   // Redistribute targets
  std::uint64_t max_discard = 64ull << 20; // oversize values up to this are skipped, not fatal
};

// What decode_request found at the front of its input.
enum class DecodeStatus {
  complete,  // a whole request; `consumed` bytes form it
  need_more, // a prefix of a valid request; nothing consumed, call again with more bytes
  oversize,  // the value/filter/batch is over its limit: skip `discard` bytes, answer ValueTooBig
  malformed, // not a request this server will ever read: close the connection
};

// Outcome of decode_request; consumed and discard are 0 unless the status says otherwise.
struct DecodeResult {
  DecodeStatus status = DecodeStatus::need_more;
  std::size_t consumed = 0;  // complete: the request's size; oversize: up to the length prefix
  std::uint64_t discard = 0; // oversize: the announced length of the array to throw away
};

// Decodes one request from the front of input into out (reusing its nodes' capacity). On
// oversize, out holds the command and every field before the oversized array. Cheap to repeat
// on need_more: it never allocates or scans in proportion to a value. out is unspecified after
// need_more and malformed. Never throws, never reads past input.
DecodeResult decode_request(std::string_view input, const DecodeLimits& limits, Request& out);

// Appends the wire bytes of request to out; decode_request(those bytes) gives request back.
// Fields the command does not carry are ignored; an unknown command is written as its code
// alone. Redistribute node addresses must be non-empty.
void encode_request(const Request& request, std::string& out);

// Appends a Put of value under key, written as 16 lowercase hex digits.
void
encode_put(std::string_view channel, std::uint64_t key, std::string_view value, std::string& out);

// Appends a request whose payload is a channel and a key (Get, Exists, Remove).
void encode_keyed(Command command, std::string_view channel, std::uint64_t key, std::string& out);

} // namespace shoal::proto
