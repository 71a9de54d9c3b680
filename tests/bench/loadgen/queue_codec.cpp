// Swarm requests go through the shared codec (common/proto); RESP and beanstalkd's text
// protocol are small enough to write here.
#include "queue_codec.hpp"

#include "proto/queue_request.hpp"
#include "proto/queue_response.hpp"

#include <charconv>

namespace shoal::bench {

namespace {

constexpr std::size_t max_line = 1024; // longer without CRLF: not a reply we asked for

using Kind = QueueReply::Kind;

// A decimal number filling text exactly.
template <typename T>
bool
parse_number(std::string_view text, T& out)
{
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

bool
starts_with(std::string_view text, std::string_view prefix)
{
  return text.substr(0, prefix.size()) == prefix;
}

// The first line of in (without CRLF) and the bytes up to past its CRLF; need_more/malformed
// when there is no whole line.
// A reply with no value (every reply but a record popped).
QueueReply
answer(Kind kind, std::size_t consumed = 0)
{
  QueueReply reply;
  reply.kind = kind;
  reply.consumed = consumed;
  return reply;
}

struct Line {
  Kind kind = Kind::ok;
  std::string_view text;
  std::size_t end = 0;
};

Line
first_line(std::string_view in)
{
  std::size_t eol = in.find("\r\n");
  Line line;
  if (eol == std::string_view::npos)
    line.kind = in.size() > max_line ? Kind::malformed : Kind::need_more;
  else
    line = {Kind::ok, in.substr(0, eol), eol + 2};
  return line;
}

// A payload of len bytes and its CRLF after a header line ending at start.
QueueReply
payload(std::string_view in, std::size_t start, std::size_t len, std::uint64_t job)
{
  std::size_t total = start + len + 2;
  if (in.size() < total)
    return answer(Kind::need_more);
  if (in.substr(start + len, 2) != "\r\n")
    return answer(Kind::malformed);
  return {Kind::ok, total, in.substr(start, len), job}; // every field given
}

// Appends n in decimal without a temporary string: this runs once per request.
void
append_decimal(std::uint64_t n, std::string& out)
{
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
}

} // namespace

QueueCodec::QueueCodec(QueueProto proto, std::string channel)
    : m_proto(proto), m_channel(std::move(channel))
{
  // The channel as a RESP bulk string. Appends, not operator+: gcc 12 warns (-Wrestrict) on a
  // chain of string concatenations.
  std::string resp_channel = "$";
  append_decimal(m_channel.size(), resp_channel);
  resp_channel += "\r\n";
  resp_channel += m_channel;
  resp_channel += "\r\n";
  switch (m_proto) {
  case QueueProto::swarm:
    proto::encode_queue_request({proto::QueueCommand::pop, m_channel, {}, {}}, m_pop);
    break;
  case QueueProto::redis:
    m_push_head = "*3\r\n$5\r\nLPUSH\r\n";
    m_push_head += resp_channel;
    m_push_head += "$";
    m_pop = "*2\r\n$4\r\nRPOP\r\n";
    m_pop += resp_channel;
    break;
  case QueueProto::beanstalk: // priority 0, no delay, 60 s to delete a job once reserved
    m_push_head = "put 0 0 60 ";
    m_pop = "reserve-with-timeout 0\r\n";
    break;
  }
}

void
QueueCodec::encode_push(std::string_view record, std::string& out)
{
  if (m_proto == QueueProto::swarm) {
    proto::encode_queue_request({proto::QueueCommand::push, m_channel, {}, record}, out);
    return;
  }
  out += m_push_head; // RESP: up to the value's length; beanstalkd: "put 0 0 60 "
  append_decimal(record.size(), out);
  out += "\r\n";
  out += record;
  out += "\r\n";
}

void
QueueCodec::encode_pop(std::string& out)
{
  out += m_pop;
}

void
QueueCodec::encode_delete(std::uint64_t job, std::string& out)
{
  out += "delete ";
  append_decimal(job, out);
  out += "\r\n";
}

void
QueueCodec::encode_consume(std::string& out)
{
  proto::encode_queue_request({proto::QueueCommand::consume, m_channel, {}, {}}, out);
}

QueueReply
QueueCodec::parse(QueueOp op, std::string_view in)
{
  switch (m_proto) {
  case QueueProto::swarm: return parse_swarm(op, in);
  case QueueProto::redis: return parse_redis(op, in);
  case QueueProto::beanstalk: return parse_beanstalk(op, in);
  }
  return answer(Kind::malformed);
}

QueueReply
QueueCodec::parse_swarm(QueueOp op, std::string_view in)
{
  auto command = op == QueueOp::push      ? proto::QueueCommand::push
                 : op == QueueOp::consume ? proto::QueueCommand::consume
                                          : proto::QueueCommand::pop;
  proto::ReadResult r = proto::read_response(command, in, m_limits, m_response);
  if (r.status != proto::ReadStatus::complete)
    return answer(r.status == proto::ReadStatus::need_more ? Kind::need_more : Kind::malformed);
  if (m_response.status != proto::StatusCode::ok)
    return answer(Kind::error, r.consumed);
  if (op != QueueOp::pop)
    return answer(Kind::ok, r.consumed);
  if (m_response.value.empty()) // Pop's answer to an empty (or absent) channel
    return answer(Kind::empty, r.consumed);
  return {Kind::ok, r.consumed, m_response.value, 0};
}

// A streamed record is one wire array; an empty one ends the stream.
QueueReply
QueueCodec::parse_streamed(std::string_view in)
{
  std::string_view value;
  proto::ReadResult r = proto::read_array(in, m_limits.max_array, value);
  if (r.status != proto::ReadStatus::complete)
    return answer(r.status == proto::ReadStatus::need_more ? Kind::need_more : Kind::malformed);
  if (value.empty())
    return answer(Kind::empty, r.consumed);
  return {Kind::ok, r.consumed, value, 0};
}

// LPUSH answers :<length>; RPOP $<n> and n bytes, or $-1 (nil) when the list is empty.
QueueReply
QueueCodec::parse_redis(QueueOp op, std::string_view in)
{
  Line line = first_line(in);
  if (line.kind != Kind::ok)
    return answer(line.kind);
  if (line.text.empty())
    return answer(Kind::malformed);
  char type = line.text[0];
  std::string_view rest = line.text.substr(1);
  if (type == '-')
    return answer(Kind::error, line.end);
  if (op == QueueOp::push) {
    long long length = 0;
    return answer(type == ':' && parse_number(rest, length) ? Kind::ok : Kind::malformed, line.end);
  }
  long long len = 0;
  if (type != '$' || !parse_number(rest, len) || len < -1)
    return answer(Kind::malformed);
  if (len == -1)
    return answer(Kind::empty, line.end);
  return payload(in, line.end, static_cast<std::size_t>(len), 0);
}

// put: INSERTED <id>; reserve: RESERVED <id> <bytes> and the job, or TIMED_OUT; delete:
// DELETED. Anything else one line long (JOB_TOO_BIG, NOT_FOUND, DEADLINE_SOON...) is a refusal.
QueueReply
QueueCodec::parse_beanstalk(QueueOp op, std::string_view in)
{
  Line line = first_line(in);
  if (line.kind != Kind::ok)
    return answer(line.kind);
  std::string_view text = line.text;
  if (op == QueueOp::push)
    return answer(starts_with(text, "INSERTED ") ? Kind::ok : Kind::error, line.end);
  if (op == QueueOp::del)
    return answer(text == "DELETED" ? Kind::ok : Kind::error, line.end);
  if (text == "TIMED_OUT")
    return answer(Kind::empty, line.end);
  if (!starts_with(text, "RESERVED "))
    return answer(Kind::error, line.end);
  text.remove_prefix(9);
  std::size_t space = text.find(' ');
  std::uint64_t job = 0;
  std::size_t bytes = 0;
  if (space == std::string_view::npos || !parse_number(text.substr(0, space), job) ||
      !parse_number(text.substr(space + 1), bytes))
    return answer(Kind::malformed);
  return payload(in, line.end, bytes, job);
}

} // namespace shoal::bench
