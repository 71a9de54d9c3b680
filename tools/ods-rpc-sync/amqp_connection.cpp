// librabbitmq (rabbitmq-c 0.11) behind AmqpConnection: connecting, the topology, publishing,
// acknowledging, keeping the connection alive and closing it. Reading is in amqp_reader.cpp.
#include "amqp_connection.hpp"

#include "amqp_connection_state.hpp"
#include "amqp_options.hpp"

#include <openssl/ssl.h>

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <ctime>
#include <optional>

namespace shoal::odsrpcsync {

namespace {

constexpr amqp_channel_t channel = 1;
constexpr timeval connect_timeout{10, 0};
constexpr timeval rpc_timeout{15, 0};
constexpr timeval close_timeout{2, 0};

core::Error
unavailable(std::string what)
{
  return core::make_error(core::Errc::unavailable, std::move(what));
}

core::Result<amqp_socket_t*>
make_tls_socket(amqp_connection_state_t conn, const AmqpEndpoint& e)
{
  amqp_socket_t* s = amqp_ssl_socket_new(conn);
  if (s == nullptr)
    return unavailable("cannot create a TLS socket");
  amqp_ssl_socket_set_verify_peer(s, e.tls_verify);
  amqp_ssl_socket_set_verify_hostname(s, e.tls_verify);
  if (amqp_ssl_socket_set_ssl_versions(s, AMQP_TLSv1_2, AMQP_TLSvLATEST) != AMQP_STATUS_OK)
    return unavailable("TLS 1.2 is not available");
  if (!e.tls_cacert.empty()) {
    if (amqp_ssl_socket_set_cacert(s, e.tls_cacert.c_str()) != AMQP_STATUS_OK)
      return unavailable("cannot load the CA certificates " + e.tls_cacert);
  } else {
    auto* ctx = static_cast<SSL_CTX*>(amqp_ssl_socket_get_context(s));
    if (ctx == nullptr || SSL_CTX_set_default_verify_paths(ctx) != 1)
      return unavailable("cannot load the system's CA certificates");
  }
  if (!e.tls_cert.empty() &&
      amqp_ssl_socket_set_key(s, e.tls_cert.c_str(), e.tls_key.c_str()) != AMQP_STATUS_OK)
    return unavailable("cannot load the client certificate " + e.tls_cert + " and key " +
                       e.tls_key);
  return s;
}

core::Status
connect_socket(amqp_connection_state_t conn, const AmqpEndpoint& e)
{
  amqp_socket_t* s = nullptr;
  if (e.url.tls) {
    auto tls = make_tls_socket(conn, e);
    if (!tls)
      return tls.take_error();
    s = *tls;
  } else {
    s = amqp_tcp_socket_new(conn);
  }
  if (s == nullptr)
    return unavailable("cannot create a socket");
  timeval timeout = connect_timeout;
  // librabbitmq keeps the socket's own error to itself: "a socket error occurred" covers a
  // refused connection and an unreachable host alike.
  int status = amqp_socket_open_noblock(s, e.url.host.c_str(), e.url.port, &timeout);
  if (status != AMQP_STATUS_OK)
    return unavailable(std::string("connecting: ") + amqp_error_string2(status));
  return {};
}

core::Status
login(amqp_connection_state_t conn, const AmqpEndpoint& e)
{
  amqp_table_entry_t name{amqp_cstring_bytes("connection_name"), {}};
  name.value.kind = AMQP_FIELD_KIND_UTF8;
  name.value.value.bytes = amqp_cstring_bytes(e.connection_name.c_str());
  amqp_table_t properties{1, &name};
  int heartbeat = static_cast<int>(e.heartbeat_s);
  amqp_rpc_reply_t r = amqp_login_with_properties(
      conn, e.url.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE, heartbeat, &properties,
      AMQP_SASL_METHOD_PLAIN, e.credentials.user.c_str(), e.credentials.password.c_str());
  if (auto st = check_reply(r, "login as " + e.credentials.user); !st)
    return unavailable(st.error().message);
  amqp_channel_open(conn, channel);
  return check_reply(amqp_get_rpc_reply(conn), "channel.open");
}

// How long ago the kernel last received data on the socket (heartbeats the thread did not see
// in poll() because librabbitmq read them in passing count too), if it can say.
std::optional<std::chrono::milliseconds>
kernel_input_age(int fd)
{
  tcp_info info{};
  socklen_t len = sizeof info;
  if (fd < 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
    return std::nullopt;
  return std::chrono::milliseconds(info.tcpi_last_data_recv);
}

amqp_bytes_t
bytes(std::string_view s)
{
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}

} // namespace

core::Result<std::unique_ptr<AmqpConnection>>
AmqpConnection::open(const AmqpEndpoint& e)
{
  auto state = std::make_unique<State>();
  state->conn = amqp_new_connection();
  if (state->conn == nullptr)
    return unavailable("out of memory for an AMQP connection");
  timeval rpc = rpc_timeout;
  amqp_set_rpc_timeout(state->conn, &rpc);
  SHOAL_TRY(connect_socket(state->conn, e));
  SHOAL_TRY(login(state->conn, e));
  state->heartbeat_s = amqp_get_heartbeat(state->conn);
  return std::unique_ptr<AmqpConnection>(new AmqpConnection(std::move(state)));
}

AmqpConnection::AmqpConnection(std::unique_ptr<State> state) : m_state(std::move(state)) {}

AmqpConnection::~AmqpConnection() = default;

AmqpConnection::State::~State()
{
  if (conn != nullptr)
    amqp_destroy_connection(conn);
}

core::Status
AmqpConnection::declare_topology(const std::string& exchange, const std::string& node_id)
{
  amqp_connection_state_t c = m_state->conn;
  std::string queue = node_queue_name(node_id);
  std::string dead_queue = dead_queue_name(node_id);
  amqp_exchange_declare(c, channel, bytes(exchange), bytes("fanout"), 0, 1, 0, 0, amqp_empty_table);
  SHOAL_TRY(check_reply(amqp_get_rpc_reply(c), "declaring exchange " + exchange));
  amqp_exchange_declare(c, channel, bytes(dead_letter_exchange), bytes("direct"), 0, 1, 0, 0,
                        amqp_empty_table);
  SHOAL_TRY(check_reply(amqp_get_rpc_reply(c), "declaring exchange ods-rpc.dead"));
  amqp_queue_declare(c, channel, bytes(dead_queue), 0, 1, 0, 0, amqp_empty_table);
  SHOAL_TRY(check_reply(amqp_get_rpc_reply(c), "declaring queue " + dead_queue));
  amqp_queue_bind(c, channel, bytes(dead_queue), bytes(dead_letter_exchange), bytes(dead_queue),
                  amqp_empty_table);
  SHOAL_TRY(check_reply(amqp_get_rpc_reply(c), "binding queue " + dead_queue));
  amqp_table_entry_t args[2] = {{bytes("x-dead-letter-exchange"), {}},
                                {bytes("x-dead-letter-routing-key"), {}}};
  args[0].value.kind = args[1].value.kind = AMQP_FIELD_KIND_UTF8;
  args[0].value.value.bytes = bytes(dead_letter_exchange);
  args[1].value.value.bytes = bytes(dead_queue);
  amqp_queue_declare(c, channel, bytes(queue), 0, 1, 0, 0, amqp_table_t{2, args});
  SHOAL_TRY(check_reply(amqp_get_rpc_reply(c), "declaring queue " + queue));
  amqp_queue_bind(c, channel, bytes(queue), bytes(exchange), amqp_empty_bytes, amqp_empty_table);
  return check_reply(amqp_get_rpc_reply(c), "binding queue " + queue + " to " + exchange);
}

core::Status
AmqpConnection::start_consuming(const std::string& queue, unsigned prefetch)
{
  amqp_connection_state_t c = m_state->conn;
  amqp_confirm_select(c, channel);
  SHOAL_TRY(check_reply(amqp_get_rpc_reply(c), "confirm.select"));
  amqp_basic_qos(c, channel, 0, static_cast<std::uint16_t>(prefetch), 0);
  SHOAL_TRY(check_reply(amqp_get_rpc_reply(c), "basic.qos"));
  amqp_basic_consume(c, channel, bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  return check_reply(amqp_get_rpc_reply(c), "consuming " + queue);
}

core::Status
AmqpConnection::sent(int status, std::string_view what)
{
  if (status == AMQP_STATUS_OK) {
    m_state->last_output = State::clock::now();
    return {};
  }
  m_state->broken = true;
  return unavailable(std::string(what) + ": " + amqp_error_string2(status));
}

core::Status
AmqpConnection::publish(const std::string& exchange, std::string_view body, std::string_view app_id)
{
  amqp_basic_properties_t p{};
  p._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_APP_ID_FLAG |
             AMQP_BASIC_TIMESTAMP_FLAG;
  p.content_type = amqp_cstring_bytes("text/plain");
  p.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  p.app_id = bytes(app_id);
  p.timestamp = static_cast<std::uint64_t>(std::time(nullptr));
  // mandatory is off: the fanout exchange always has this node's own queue bound.
  return sent(amqp_basic_publish(m_state->conn, channel, bytes(exchange), amqp_empty_bytes, 0, 0,
                                 &p, bytes(body)),
              "basic.publish");
}

core::Status
AmqpConnection::ack(std::uint64_t delivery_tag)
{
  return sent(amqp_basic_ack(m_state->conn, channel, delivery_tag, 0), "basic.ack");
}

core::Status
AmqpConnection::reject(std::uint64_t delivery_tag)
{
  return sent(amqp_basic_reject(m_state->conn, channel, delivery_tag, 0), "basic.reject");
}

void
AmqpConnection::note_input()
{
  m_state->last_input = State::clock::now();
}

int
AmqpConnection::fd() const
{
  return amqp_get_sockfd(m_state->conn);
}

bool
AmqpConnection::writable() const
{
  pollfd p{fd(), POLLOUT, 0};
  return !m_state->broken && ::poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) != 0;
}

core::Status
AmqpConnection::keep_alive()
{
  int hb = m_state->heartbeat_s;
  if (hb <= 0)
    return {};
  auto now = State::clock::now();
  auto limit = std::chrono::seconds(2 * hb);
  if (now - m_state->last_input > limit) {
    if (auto age = kernel_input_age(fd()))
      m_state->last_input = std::max(m_state->last_input, now - *age);
  }
  if (now - m_state->last_input > limit) {
    m_state->broken = true;
    return core::make_error(core::Errc::timeout,
                            "no heartbeat from the broker for " + std::to_string(2 * hb) + " s");
  }
  if (now - m_state->last_output < std::chrono::milliseconds(hb * 500) || !writable())
    return {};
  amqp_frame_t beat{};
  beat.frame_type = AMQP_FRAME_HEARTBEAT;
  beat.channel = 0;
  return sent(amqp_send_frame(m_state->conn, &beat), "heartbeat");
}

std::chrono::milliseconds
AmqpConnection::idle_wait() const
{
  int hb = m_state->heartbeat_s;
  return std::chrono::milliseconds(hb > 0 ? std::min(1000, hb * 250) : 1000);
}

void
AmqpConnection::close()
{
  if (m_state->broken || !writable())
    return;
  timeval t = close_timeout;
  amqp_set_rpc_timeout(m_state->conn, &t);
  if (!m_state->channel_closed)
    amqp_channel_close(m_state->conn, channel, AMQP_REPLY_SUCCESS);
  amqp_connection_close(m_state->conn, AMQP_REPLY_SUCCESS);
  m_state->broken = true;
}

} // namespace shoal::odsrpcsync
