// Writes: Put and PutDup (one record) and PutBatch (a compressed batch, all or nothing). Every
// record is checked first; the reply waits until the writer thread has the records in their
// bucket files (with --sync: on disk), and says Error if the disk refused them.
#include "node.hpp"
#include "requests.hpp"
#include "server/request_checks.hpp"
#include "session.hpp"

#include "proto/batch.hpp"
#include "store/bucket_format.hpp"

#include <cstring>

namespace shoal::logfilesnode {

namespace {

// The checks of one record after its channel: key, range, value.
proto::StatusCode
check_record(Session& session,
             std::string_view key_text,
             std::string_view value,
             std::uint64_t& key)
{
  auto status = server::check_key(key_text, key);
  if (status != proto::StatusCode::ok)
    return status;
  if (!session.node().options().range.responsible_for(key))
    return proto::StatusCode::wrong_node;
  if (value.size() > session.node().options().max_value)
    return proto::StatusCode::value_too_big;
  if (value.empty())
    return proto::StatusCode::empty_value;
  return proto::StatusCode::ok;
}

// The uncompressed size a batch payload announces in its first 8 bytes (0 if it has none).
std::uint64_t
announced_raw_size(std::string_view payload)
{
  std::uint64_t raw = 0;
  if (payload.size() >= sizeof raw)
    std::memcpy(&raw, payload.data(), sizeof raw);
  return raw;
}

} // namespace

void
handle_put(Session& session, const proto::Request& request)
{
  std::uint64_t key = 0;
  auto status = server::check_channel(request.channel);
  if (status == proto::StatusCode::ok)
    status = check_record(session, request.key, request.value, key);
  if (status != proto::StatusCode::ok) {
    session.reply_status(status);
    return;
  }
  Node& node = session.node();
  std::uint32_t id = node.channels().get_or_create(request.channel, node.writer());
  std::uint64_t seq = node.writer().append(id, key, request.value);
  ++node.stats().written;
  session.reply_after(seq, seq);
}

void
handle_put_batch(Session& session, const proto::Request& request)
{
  auto status = server::check_channel(request.channel);
  thread_local std::string raw; // reused: batches are decompressed one at a time
  std::size_t batch_size = session.node().options().batch_size;
  if (status == proto::StatusCode::ok && announced_raw_size(request.value) > batch_size)
    status = proto::StatusCode::value_too_big; // a client with a larger --batch-size
  if (status == proto::StatusCode::ok && !proto::decompress_batch(request.value, batch_size, raw))
    status = proto::StatusCode::invalid_request;
  // Each record checked and encoded as the bucket files hold it, in one pass; the buffer stays
  // in cache (a batch is at most batch_size) and goes to the writer in one copy.
  thread_local std::string encoded;
  encoded.clear();
  proto::BatchReader check(raw);
  std::string_view key_text, value;
  std::uint64_t key = 0;
  std::size_t records = 0;
  while (status == proto::StatusCode::ok && check.next_pair(key_text, value)) {
    status = check_record(session, key_text, value, key);
    if (status == proto::StatusCode::ok)
      store::append_record(key, value, encoded);
    ++records;
  }
  if (status == proto::StatusCode::ok && check.failed())
    status = proto::StatusCode::invalid_request;
  if (status != proto::StatusCode::ok || records == 0) {
    session.reply_status(status);
    return;
  }
  Node& node = session.node();
  std::uint32_t id = node.channels().get_or_create(request.channel, node.writer());
  std::uint64_t seq = node.writer().append_encoded(id, encoded);
  node.stats().written += records;
  session.reply_after(seq, seq);
}

} // namespace shoal::logfilesnode
