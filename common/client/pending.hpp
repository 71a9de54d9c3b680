// Pending requests of a Session: what was sent, how to decode the answer from the connection's
// input, and whom to tell. Single answers and streams share this interface, for any node type
// (DHT, queue): a request is known by its name and the shape of its answer.
#pragma once

#include "client/node_options.hpp"
#include "client/reply.hpp"
#include "proto/codes.hpp"
#include "proto/response.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace shoal::client {

// What a Session hands to Pending::parse.
struct ParseContext {
  const std::string& node;       // "HOST:PORT", for messages
  const NodeClientOptions& opts; // limits
  const bool& closed;            // becomes true if a callback closed the session: stop at once
};

// Outcome of Pending::parse.
enum class Parse {
  need_more, // the answer is not complete yet (a stream may have consumed items)
  done,      // the answer is complete; finish() delivers it
  malformed, // the node broke the protocol; problem() says how
};

// One request on a Session, from its encoded bytes to its callback.
class Pending
{
public:
  // name is the request's name for messages, in static storage (proto::command_name's).
  Pending(std::string_view name, std::string request) : m_name(name), m_request(std::move(request))
  {
  }
  virtual ~Pending() = default;

  // Decodes what it can from the front of input, setting consumed; it may call record
  // callbacks of streams, after which it returns at once if ctx.closed became true.
  virtual Parse parse(std::string_view input, std::size_t& consumed, const ParseContext& ctx) = 0;
  // Delivers the decoded answer (after parse returned done); called once.
  virtual void finish() = 0;
  // Delivers a failure instead (connection lost, timeout, malformed answer); called once.
  virtual void fail(const core::Error& error) = 0;

  // The request's name ("Put", "Consume", ...), for messages.
  std::string_view name() const { return m_name; }
  // The request bytes until they are sent; the session takes them away.
  std::string& request() { return m_request; }
  // How the answer broke the protocol, after parse returned malformed.
  const std::string& problem() const { return m_problem; }

protected:
  Parse malformed(std::string problem)
  {
    m_problem = std::move(problem);
    return Parse::malformed;
  }

private:
  std::string_view m_name;
  std::string m_request;
  std::string m_problem;
};

// The error a non-Ok status becomes: "node HOST:PORT answered WrongNode to Put".
core::Error
status_error(const std::string& node, std::string_view request, proto::StatusCode status);
core::Error status_error(const std::string& node, proto::Command command, proto::StatusCode status);

// A request answered by one response; Decode turns an Ok response into T.
template <class T> class SinglePending final : public Pending
{
public:
  using Decode = T (*)(const proto::Response&);

  // A request named name whose answer has the given shape.
  SinglePending(std::string_view name,
                proto::ResponseShape shape,
                std::string request,
                Decode decode,
                Callback<T> done)
      : Pending(name, std::move(request)), m_shape(shape), m_decode(decode), m_done(std::move(done))
  {
  }
  // A DHT request.
  SinglePending(proto::Command command, std::string request, Decode decode, Callback<T> done)
      : SinglePending(proto::command_name(command),
                      proto::response_shape(command),
                      std::move(request),
                      decode,
                      std::move(done))
  {
  }

  Parse parse(std::string_view input, std::size_t& consumed, const ParseContext& ctx) override
  {
    auto read = proto::read_response(m_shape, input, ctx.opts.limits, m_response);
    if (read.status == proto::ReadStatus::need_more)
      return Parse::need_more;
    if (read.status == proto::ReadStatus::malformed)
      return malformed("malformed response");
    consumed = read.consumed;
    if (m_response.status != proto::StatusCode::ok)
      m_result.emplace(status_error(ctx.node, name(), m_response.status), m_response.status);
    else if constexpr (std::is_void_v<T>)
      m_result.emplace();
    else
      m_result.emplace(m_decode(m_response));
    return Parse::done;
  }

  void finish() override
  {
    auto done = std::move(m_done);
    done(std::move(*m_result));
  }

  void fail(const core::Error& error) override
  {
    auto done = std::move(m_done);
    done(Reply<T>(error));
  }

private:
  proto::ResponseShape m_shape;
  Decode m_decode;
  Callback<T> m_done;
  proto::Response m_response;
  std::optional<Reply<T>> m_result;
};

// A stream's answer: a status, then items until the end. The subclass decodes the items; done
// gets Ok at the end, the refusal (a status other than Ok) or the failure.
class StreamPending : public Pending
{
public:
  StreamPending(std::string_view name, std::string request, DoneCallback done)
      : Pending(name, std::move(request)), m_done(std::move(done))
  {
  }

  Parse parse(std::string_view input, std::size_t& consumed, const ParseContext& ctx) final;
  void finish() override;
  void fail(const core::Error& error) override;

protected:
  // Runs once the node has accepted the stream (its Ok status was read).
  virtual void started() {}
  // Decodes items from input, from consumed on (past the status), advancing consumed; it may
  // call record callbacks, after which it returns at once if ctx.closed became true.
  virtual Parse
  parse_items(std::string_view input, std::size_t& consumed, const ParseContext& ctx) = 0;
  // The end of the stream: done gets Ok.
  Parse ended()
  {
    m_result.emplace();
    return Parse::done;
  }
  // True once the stream was refused or has ended.
  bool has_result() const { return m_result.has_value(); }

private:
  DoneCallback m_done;
  std::optional<Reply<void>> m_result;
  bool m_started = false; // the status was read
};

// A GetAll, GetAllKeys or GetAllFilter stream: a status, then compressed batches until an
// empty array.
class BatchStream final : public StreamPending
{
public:
  BatchStream(proto::Command command,
              std::string request,
              RecordCallback on_record,
              DoneCallback done);

private:
  Parse
  parse_items(std::string_view input, std::size_t& consumed, const ParseContext& ctx) override;
  // Calls on_record for every record of one batch payload.
  Parse deliver_batch(std::string_view payload, const ParseContext& ctx);

  proto::Command m_command;
  RecordCallback m_on_record;
  std::string m_raw; // the current batch, decompressed
};

// A Listen stream: a status, then (key, value) array pairs; an empty value is a removal and
// two empty arrays end the stream (the channel was removed).
class ListenStream final : public StreamPending
{
public:
  ListenStream(std::string request, ListenCallback on_update, DoneCallback done);

private:
  Parse
  parse_items(std::string_view input, std::size_t& consumed, const ParseContext& ctx) override;

  ListenCallback m_on_update;
};

} // namespace shoal::client
