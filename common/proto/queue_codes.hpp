// Command codes of the legacy swarm queue protocol (specs/swarm.md §4.4, §5.1), the codes shoal
// adds, and the SUBSCRIBER@CHANNEL form of a Consume channel (§4.5). Statuses are StatusCode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::proto {

// Queue request codes, sent as int32 little-endian at the start of every request. The legacy
// values must never change; shoal's additions reuse the DHT's codes for the same requests
// (GetVersion 24, GetStats 64), which the legacy queue never used, and are listed in the
// protocol man page.
enum class QueueCommand : std::int32_t {
  push = 1,
  pop = 2,
  get_channels = 3,
  get_channel_size = 4,
  get_size = 5,
  consume = 6,
  get_size_limit = 7,
  get_num_connections = 8,
  push_multi = 9,
  produce = 10,
  produce_multi = 11,
  remove_channel = 12,
  get_version = 24, // shoal: status, then the version array (proto::api_version)
  get_stats = 64,   // shoal: status, then one array of "key:value\n" lines
};

// Separates a subscriber's name from the channel in a Consume channel: "SUBSCRIBER@CHANNEL".
inline constexpr char subscriber_separator = '@';

// True when code is one of the QueueCommand values above.
bool known_queue_command(std::int32_t code);

// The request's name as the original spells it ("Push", "ProduceMulti", ...); "Unknown" else.
std::string_view queue_command_name(QueueCommand command);

// A Consume channel taken apart; subscriber is empty for a plain (competing) consumer.
struct ConsumeTarget {
  std::string_view subscriber;
  std::string_view channel;
};

// Splits a Consume channel, "CHANNEL" or "SUBSCRIBER@CHANNEL", and checks that both parts are
// valid channel names (valid_channel_name); nullopt when they are not (BadChannelName).
std::optional<ConsumeTarget> parse_consume_target(std::string_view text);

// The Consume channel of a named subscriber: "SUBSCRIBER@CHANNEL" ("CHANNEL" if it is empty).
std::string consume_target(std::string_view subscriber, std::string_view channel);

} // namespace shoal::proto
