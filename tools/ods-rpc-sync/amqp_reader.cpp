// AmqpConnection's input: the frames the broker sends on its own (deliveries, publisher
// confirms, and the closing of the channel or connection), read without ever waiting for one.
#include "amqp_connection.hpp"
#include "amqp_connection_state.hpp"

namespace shoal::odsrpcsync {

namespace {

std::string
text(amqp_bytes_t b)
{
  return std::string(static_cast<const char*>(b.bytes), b.len);
}

std::string
close_reason(std::uint16_t code, amqp_bytes_t reply_text)
{
  return std::to_string(code) + " " + text(reply_text);
}

// The content of a basic.deliver (or basic.return) whose method frame was just read.
core::Result<AmqpConnection::Incoming>
read_delivery(AmqpConnection::State& state, std::uint64_t delivery_tag, amqp_channel_t channel)
{
  amqp_message_t message{};
  amqp_rpc_reply_t r = amqp_read_message(state.conn, channel, &message, 0);
  if (auto st = check_reply(r, "reading a message"); !st) {
    state.broken = true;
    return st.take_error();
  }
  state.last_input = AmqpConnection::State::clock::now();
  AmqpConnection::Delivery d{delivery_tag, text(message.body)};
  amqp_destroy_message(&message);
  return AmqpConnection::Incoming{std::move(d)};
}

// The broker closed the channel or the connection: answers close-ok, returns the reason.
core::Error
closed_by_broker(AmqpConnection::State& state, const amqp_frame_t& frame)
{
  std::string why;
  if (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    auto* m = static_cast<amqp_connection_close_t*>(frame.payload.method.decoded);
    why = "the broker closed the connection: " + close_reason(m->reply_code, m->reply_text);
    amqp_connection_close_ok_t ok{};
    amqp_send_method(state.conn, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
    state.broken = true; // nothing more to say on it
  } else {
    auto* m = static_cast<amqp_channel_close_t*>(frame.payload.method.decoded);
    why = "the broker closed the channel: " + close_reason(m->reply_code, m->reply_text);
    amqp_channel_close_ok_t ok{};
    amqp_send_method(state.conn, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    state.channel_closed = true;
  }
  return core::make_error(core::Errc::unavailable, why);
}

} // namespace

core::Status
check_reply(const amqp_rpc_reply_t& r, const std::string& what)
{
  std::string why;
  switch (r.reply_type) {
  case AMQP_RESPONSE_NORMAL: return {};
  case AMQP_RESPONSE_NONE: why = "no reply"; break;
  case AMQP_RESPONSE_LIBRARY_EXCEPTION: why = amqp_error_string2(r.library_error); break;
  case AMQP_RESPONSE_SERVER_EXCEPTION:
    if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
      auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
      why = "the broker closed the connection: " + close_reason(m->reply_code, m->reply_text);
    } else if (r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
      auto* m = static_cast<amqp_channel_close_t*>(r.reply.decoded);
      why = "the broker closed the channel: " + close_reason(m->reply_code, m->reply_text);
    } else {
      why = "unexpected reply from the broker";
    }
    break;
  }
  return core::make_error(core::Errc::unavailable, what + ": " + why);
}

core::Result<AmqpConnection::Incoming>
AmqpConnection::read()
{
  amqp_maybe_release_buffers(m_state->conn);
  amqp_frame_t frame{};
  timeval now{0, 0};
  int status = amqp_simple_wait_frame_noblock(m_state->conn, &frame, &now);
  if (status == AMQP_STATUS_TIMEOUT)
    return Incoming{};
  if (status != AMQP_STATUS_OK) {
    m_state->broken = true;
    return core::make_error(core::Errc::unavailable,
                            std::string("connection lost: ") + amqp_error_string2(status));
  }
  m_state->last_input = State::clock::now();
  if (frame.frame_type != AMQP_FRAME_METHOD)
    return Incoming{}; // a stray content frame: nothing waits for it
  return read_method(*m_state, frame);
}

core::Result<AmqpConnection::Incoming>
read_method(AmqpConnection::State& state, const amqp_frame_t& frame)
{
  using Incoming = AmqpConnection::Incoming;
  using Confirm = AmqpConnection::Confirm;
  void* decoded = frame.payload.method.decoded;
  switch (frame.payload.method.id) {
  case AMQP_BASIC_DELIVER_METHOD:
    return read_delivery(state, static_cast<amqp_basic_deliver_t*>(decoded)->delivery_tag,
                         frame.channel);
  case AMQP_BASIC_ACK_METHOD: {
    auto* m = static_cast<amqp_basic_ack_t*>(decoded);
    return Incoming{Confirm{m->delivery_tag, m->multiple != 0, true}};
  }
  case AMQP_BASIC_NACK_METHOD: {
    auto* m = static_cast<amqp_basic_nack_t*>(decoded);
    return Incoming{Confirm{m->delivery_tag, m->multiple != 0, false}};
  }
  case AMQP_BASIC_RETURN_METHOD: { // not asked for (mandatory is off); read it and drop it
    auto skipped = read_delivery(state, 0, frame.channel);
    if (!skipped)
      return skipped;
    return Incoming{};
  }
  case AMQP_BASIC_CANCEL_METHOD:
    return core::make_error(core::Errc::unavailable,
                            "the broker cancelled the consumer (was the queue deleted?)");
  case AMQP_CHANNEL_CLOSE_METHOD:
  case AMQP_CONNECTION_CLOSE_METHOD: return closed_by_broker(state, frame);
  default: return Incoming{}; // connection.blocked and the like: nothing to do
  }
}

} // namespace shoal::odsrpcsync
