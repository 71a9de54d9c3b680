// Producer: the Produce stream's states (opening, streaming, finishing, ended), its two pending
// answers on the session, back-pressure from the socket's queue, and the watchdog.
#include "client/queue_producer.hpp"

#include "proto/queue_codes.hpp"
#include "proto/queue_request.hpp"
#include "proto/queue_response.hpp"

namespace shoal::client {

namespace {
std::string
seconds(std::uint64_t ms)
{
  return ms % 1000 ? std::to_string(ms) + " ms" : std::to_string(ms / 1000) + " s";
}
} // namespace

// The Produce request: its status, then silence until the producer ends the stream (any byte
// from the node meanwhile breaks the protocol).
class Producer::Stream final : public StreamPending
{
public:
  Stream(Producer& producer, std::string_view name, std::string request)
      : StreamPending(name,
                      std::move(request),
                      [&producer](Reply<void> reply) { producer.on_end(std::move(reply)); }),
        m_producer(producer)
  {
  }

  // Set once the empty value is on its way: the next answer is the barrier's.
  bool ending = false;

  void finish() override
  {
    if (has_result()) // refused; a stream that ended well is reported by the barrier
      StreamPending::finish();
  }

private:
  void started() override { m_producer.on_started(); }

  Parse parse_items(std::string_view input, std::size_t& consumed, const ParseContext&) override
  {
    if (ending)
      return Parse::done;
    if (consumed < input.size())
      return malformed("bytes from the node in the middle of the stream");
    return Parse::need_more;
  }

  Producer& m_producer;
};

// GetNumConnections after the end of the stream: any complete answer means that the node has
// read the whole stream.
class Producer::Barrier final : public Pending
{
public:
  explicit Barrier(Producer& producer)
      : Pending(proto::queue_command_name(proto::QueueCommand::get_num_connections), encode()),
        m_producer(producer)
  {
  }

  Parse parse(std::string_view input, std::size_t& consumed, const ParseContext& ctx) override
  {
    auto read = proto::read_response(proto::QueueCommand::get_num_connections, input,
                                     ctx.opts.limits, m_response);
    if (read.status == proto::ReadStatus::need_more)
      return Parse::need_more;
    if (read.status == proto::ReadStatus::malformed)
      return malformed("malformed response");
    consumed = read.consumed;
    return Parse::done;
  }

  void finish() override { m_producer.on_end({}); }
  void fail(const core::Error& error) override { m_producer.on_end(Reply<void>(error)); }

private:
  static std::string encode()
  {
    std::string out;
    proto::QueueRequest request;
    request.command = proto::QueueCommand::get_num_connections;
    proto::encode_queue_request(request, out);
    return out;
  }

  Producer& m_producer;
  proto::Response m_response;
};

Producer::Producer(net::Loop& loop,
                   net::Endpoint node,
                   const NodeClientOptions& opts,
                   std::string request,
                   std::string_view name,
                   DoneCallback done)
    : m_opts(opts), m_name(name), m_done(std::move(done)), m_watchdog(loop)
{
  // No idle timeout: a node owes nothing while it reads the stream; the watchdog covers the
  // opening and the end.
  m_session = Session::create(loop, std::move(node), m_opts, 0);
  m_session->set_on_writable([this] { on_session_writable(); });
  auto stream = std::make_unique<Stream>(*this, name, std::move(request));
  m_stream = stream.get();
  m_session->submit(std::move(stream));
  if (m_opts.request_timeout_ms > 0)
    m_watchdog.start(m_opts.request_timeout_ms, m_opts.request_timeout_ms, [this] { on_tick(); });
}

Producer::~Producer()
{
  m_session->close(); // no callback runs after this
}

void
Producer::push(std::string_view value)
{
  if (m_finish_requested || ended())
    return;
  ++m_records;
  if (m_state == State::opening) {
    proto::encode_produce_item(value, m_backlog);
    return;
  }
  char prefix[8];
  for (std::size_t i = 0; i < sizeof prefix; ++i)
    prefix[i] = static_cast<char>(static_cast<std::uint64_t>(value.size()) >> (8 * i));
  m_session->write(std::string_view(prefix, sizeof prefix)); // the u64 length of an array
  m_session->write(value);
}

bool
Producer::writable() const
{
  bool ok = (m_state == State::opening || m_state == State::streaming) && !m_finish_requested &&
            unsent_bytes() < m_opts.max_unsent_bytes;
  if (!ok)
    m_blocked = true;
  return ok;
}

std::size_t
Producer::unsent_bytes() const
{
  return m_state == State::opening ? m_backlog.size() : m_session->unsent_bytes();
}

void
Producer::finish()
{
  if (m_finish_requested || ended())
    return;
  m_finish_requested = true;
  if (m_state == State::streaming)
    send_end();
  // While opening, on_started sends the end after the backlog.
}

void
Producer::on_started()
{
  m_state = State::streaming;
  m_session->write(m_backlog);
  std::string().swap(m_backlog);
  if (m_finish_requested)
    send_end();
}

void
Producer::send_end()
{
  m_state = State::finishing;
  std::string end;
  proto::encode_produce_end(end);
  m_session->write(end);
  m_stream->ending = true;
  m_stream = nullptr;
  m_session->submit(std::make_unique<Barrier>(*this));
  m_unsent_at_tick = SIZE_MAX; // the watchdog measures from here
}

void
Producer::on_end(Reply<void> reply)
{
  if (ended())
    return;
  m_state = reply ? State::done : State::failed;
  m_stream = nullptr;
  m_watchdog.stop();
  m_session->close();
  auto done = std::move(m_done);
  if (done)
    done(std::move(reply)); // may destroy this producer: touch nothing after it
}

void
Producer::on_session_writable()
{
  if (!m_blocked || !m_on_writable || !writable())
    return;
  m_blocked = false;
  auto fn = m_on_writable; // a copy: it may destroy this producer
  fn();
}

void
Producer::on_tick()
{
  // Streaming: the node owes nothing. Opening or finishing: it owes an answer, and must at
  // least make progress reading what is queued for it.
  if (m_state == State::streaming || ended())
    return;
  std::size_t unsent = unsent_bytes();
  bool progress = m_state == State::finishing && unsent < m_unsent_at_tick;
  m_unsent_at_tick = unsent;
  if (progress)
    return;
  std::string what = m_state == State::opening
                         ? "answer " + std::string(m_name)
                         : "finish reading the " + std::string(m_name) + " stream";
  on_end(Reply<void>(
      core::make_error(core::Errc::timeout, "node " + node() + " did not " + what + " within " +
                                                seconds(m_opts.request_timeout_ms))));
}

} // namespace shoal::client
