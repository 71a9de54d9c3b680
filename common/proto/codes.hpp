// Command and status codes of the legacy swarm "kvstore" protocol the DHT and log nodes share
// (specs/swarm.md §1.3, §3.5, §5.1), plus the codes shoal adds; names for logs and stats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shoal::proto {

// Request codes, sent as int32 little-endian at the start of every request. The legacy values
// must never change; shoal extensions take codes the original never used (>= 64) and are listed
// in the protocol man page.
enum class Command : std::int32_t {
  put = 1,
  put_dup = 3, // log nodes: append a record, several per key (DLS "Put", 2014 "PutDup")
  get = 7,
  exists = 11,
  remove = 12,
  get_channels = 17,
  get_channel_size = 18,
  get_size = 19,
  get_responsible_range = 20,
  remove_channel = 22,
  get_num_connections = 23,
  get_version = 24,
  listen = 25,
  get_all = 29,
  get_all_keys = 30,
  get_range = 28, // log nodes: records whose hex key is in [key, key_max]
  get_all_filter = 31,
  get_range_filter = 32, // log nodes: GetRange, values containing the filter
  redistribute = 33,
  put_batch = 34,
  log_put_batch = 36, // log nodes: PutBatch, in the later DLS numbering
  get_stats = 64,     // shoal: status, then one array of "key:value\n" lines
};

// Response status codes, sent as int32 little-endian at the start of every response.
enum class StatusCode : std::int32_t {
  undefined = 0,
  ok = 200,
  invalid_request = 400,
  wrong_node = 404,
  not_supported = 406,
  out_of_memory = 407,
  empty_value = 408,
  bad_channel_name = 409,
  value_too_big = 410,
  error = 500,
};

// The API version a legacy DHT node reports to GetVersion; clients compare it verbatim. It is
// the legacy protocol's only version marker: never change it, and give any new wire layout a
// new command code instead so that old clients keep working.
inline constexpr std::string_view api_version = "20110401";

// Longest channel name a node accepts. The name becomes a dump file name, and the temporary
// "<name>.tcm.XXXXXX.dumping" (19 more bytes) must fit in a file name (255 bytes).
inline constexpr std::size_t max_channel_name = 236;

// Longest node address a Redistribute request or a size response may carry (a DNS name).
inline constexpr std::size_t max_address_length = 255;

// True when name is 1..max_channel_name characters of [A-Za-z0-9_-].
bool valid_channel_name(std::string_view name);

// True when code is one of the Command values above.
bool known_command(std::int32_t code);

// True when code is one of the StatusCode values above.
bool known_status(std::int32_t code);

// The request's name as the original spells it ("Put", "GetAll", ...); "Unknown" otherwise.
std::string_view command_name(Command command);

// The status's name ("Ok", "WrongNode", ...); "Unknown" otherwise.
std::string_view status_name(StatusCode status);

} // namespace shoal::proto
