// The tags the RabbitMQ transport hands to its handler: the broker's delivery tag (numbered
// from 1 on each channel) with the connection's generation in the high 16 bits, so that an
// ack for a delivery of an earlier connection is recognised and ignored (the broker has put
// that message back and delivers it again) instead of acknowledging an unrelated message.
#pragma once

#include <cstdint>

namespace shoal::odsrpcsync {

inline constexpr unsigned amqp_generation_shift = 48;
inline constexpr std::uint64_t amqp_delivery_mask = (std::uint64_t{1} << amqp_generation_shift) - 1;

// The generation after g: 1, 2, ... 65535, 1, ... (never 0, so that no tag is 0).
constexpr std::uint16_t
next_amqp_generation(std::uint16_t g)
{
  return g == 0xffff ? 1 : static_cast<std::uint16_t>(g + 1);
}

constexpr std::uint64_t
make_amqp_tag(std::uint16_t generation, std::uint64_t delivery_tag)
{
  return (std::uint64_t{generation} << amqp_generation_shift) | (delivery_tag & amqp_delivery_mask);
}

constexpr std::uint16_t
amqp_tag_generation(std::uint64_t tag)
{
  return static_cast<std::uint16_t>(tag >> amqp_generation_shift);
}

constexpr std::uint64_t
amqp_tag_delivery(std::uint64_t tag)
{
  return tag & amqp_delivery_mask;
}

} // namespace shoal::odsrpcsync
