// The legacy swarm response codec (specs/swarm.md §1.3): servers encode, clients decode whole
// responses from a buffer prefix. The fields after the status are on the wire only with Ok.
#pragma once

#include "proto/codes.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shoal::proto {

// A decoded (or to-be-encoded) response to one request; fields the command does not answer
// with stay empty/zero. Views point into the reader's input.
struct Response {
  StatusCode status = StatusCode::undefined;
  std::string_view value;    // Get value (empty = no record), GetVersion version, GetStats lines
  bool exists = false;       // Exists
  std::string_view address;  // GetSize, GetChannelSize, GetNumConnections: the node's address
  std::uint16_t port = 0;    // ... and its port
  std::uint64_t records = 0; // GetSize, GetChannelSize
  std::uint64_t bytes = 0;   // GetSize, GetChannelSize
  std::uint64_t connections = 0;          // GetNumConnections
  std::uint64_t limit = 0;                // the queue's GetSizeLimit
  std::uint64_t min = 0;                  // GetResponsibleRange
  std::uint64_t max = 0;                  // GetResponsibleRange
  std::vector<std::string_view> channels; // GetChannels (non-empty names)

  bool operator==(const Response&) const = default;
};

// The fields that follow an Ok status, in wire order. Every command of every node (DHT, queue)
// answers with one of these shapes.
enum class ResponseShape {
  status_only, // nothing more (streams: their items follow separately)
  value,       // value (array)
  exists,      // exists (bool)
  size,        // address (array), port (u16), records (u64), bytes (u64)
  connections, // address, port, connections (u64)
  limit,       // address, port, limit (u64)
  range,       // min (u64), max (u64)
  channels,    // channels (a list of arrays ended by an empty one)
};

// Bounds a client applies to what a node sends.
struct ReadLimits {
  std::uint64_t max_array = 64ull << 20; // any single array (value, batch, name)
  std::size_t max_channels = 1u << 16;   // GetChannels list length
};

// What a reader found at the front of its input.
enum class ReadStatus {
  complete,  // `consumed` bytes form the response (or item)
  need_more, // a prefix only; nothing consumed, call again with more bytes
  malformed, // unknown status code or an array over the limit: drop the connection
};

// Outcome of a read; consumed is 0 unless complete.
struct ReadResult {
  ReadStatus status = ReadStatus::need_more;
  std::size_t consumed = 0;
};

// Appends an int32 status code: the whole response of Put, Remove, RemoveChannel, PutBatch,
// Redistribute and of any request refused with a non-Ok status.
void write_status(StatusCode status, std::string& out);

// The shape of the answer to a DHT command.
ResponseShape response_shape(Command command);

// Appends a response: the status, then (only when it is Ok) the fields of shape.
void encode_response(ResponseShape shape, const Response& response, std::string& out);

// Appends the response to command: the status, then (only when it is Ok) the command's fields.
// Listen and GetAll* get their status only; their items follow as arrays (WireWriter).
void encode_response(Command command, const Response& response, std::string& out);

// Decodes a response of the given shape from the front of input into out.
ReadResult
read_response(ResponseShape shape, std::string_view input, const ReadLimits& limits, Response& out);

// Decodes the response to command from the front of input into out. For Listen and GetAll*
// this is the status only; read the stream items with read_array/read_pair afterwards.
ReadResult
read_response(Command command, std::string_view input, const ReadLimits& limits, Response& out);

// Reads one stream item (a GetAll* batch payload; empty = end of stream) from input.
ReadResult read_array(std::string_view input, std::uint64_t max_len, std::string_view& out);

// Reads one Listen item, a key array and a value array, both or neither (two empty = end).
ReadResult read_pair(std::string_view input,
                     std::uint64_t max_len,
                     std::string_view& key,
                     std::string_view& value);

} // namespace shoal::proto
