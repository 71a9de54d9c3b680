// The parts of AmqpConnection that need librabbitmq's headers, shared by its two .cpp files
// (and kept out of amqp_connection.hpp so that users of the class do not see rabbitmq-c).
#pragma once

#include "amqp_connection.hpp"

#include <amqp.h>
#include <amqp_framing.h>

#include <chrono>
#include <string>

namespace shoal::odsrpcsync {

struct AmqpConnection::State {
  using clock = std::chrono::steady_clock;

  amqp_connection_state_t conn = nullptr;
  int heartbeat_s = 0;         // as negotiated with the broker
  bool channel_closed = false; // by the broker: only the connection is left to close
  bool broken = false;         // the socket is gone or the broker closed it: no polite close
  clock::time_point last_input = clock::now();
  clock::time_point last_output = clock::now();

  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State();
};

// Success, or Errc::unavailable "<what>: <why>" for an RPC's reply (librabbitmq's error, or
// the broker's channel.close / connection.close code and text).
core::Status check_reply(const amqp_rpc_reply_t& reply, const std::string& what);

// Reads what follows a method frame the broker sent unasked (amqp_reader.cpp).
core::Result<AmqpConnection::Incoming> read_method(AmqpConnection::State& state,
                                                   const amqp_frame_t& frame);

} // namespace shoal::odsrpcsync
