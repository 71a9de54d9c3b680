// PutBatch: a compressed batch of records stored all or nothing. Every record is checked
// first (key, range, value, then the size limit for the whole batch); one bad record refuses
// the batch with its status, so a client never has to guess which records were stored.
#include "checks.hpp"
#include "node.hpp"
#include "redistribute.hpp"
#include "requests.hpp"
#include "session.hpp"

#include "core/hex.hpp"
#include "proto/batch.hpp"

namespace shoal::dhtnode {

namespace {
struct Checked {
  proto::StatusCode status = proto::StatusCode::ok;
  std::uint64_t bytes = 0; // bytes the batch adds (values + 8 per key)
};

Checked
check_batch(Session& session, std::string_view raw)
{
  Checked result;
  proto::BatchReader reader(raw);
  std::string_view key_text, value;
  while (reader.next_pair(key_text, value)) {
    std::uint64_t key = 0;
    result.status = check_key(key_text, key);
    if (result.status == proto::StatusCode::ok)
      result.status = check_range(session, key);
    if (result.status == proto::StatusCode::ok)
      result.status = check_value(session, value);
    if (result.status != proto::StatusCode::ok)
      return result;
    result.bytes += value.size() + 8;
  }
  if (reader.failed())
    result.status = proto::StatusCode::invalid_request;
  return result;
}
} // namespace

void
handle_put_batch(Session& session, const proto::Request& request)
{
  auto status = check_channel(request.channel);
  thread_local std::string raw; // reused: batches are decompressed one at a time
  if (status == proto::StatusCode::ok &&
      !proto::decompress_batch(request.value, session.node().options().batch_size, raw))
    status = proto::StatusCode::invalid_request;
  Checked checked;
  if (status == proto::StatusCode::ok) {
    checked = check_batch(session, raw);
    status = checked.status;
  }
  Storage& storage = session.node().storage();
  if (status == proto::StatusCode::ok && !storage.fits(checked.bytes))
    status = proto::StatusCode::out_of_memory;
  if (status == proto::StatusCode::ok && session.node().redistributor().refuses(checked.bytes))
    status = proto::StatusCode::out_of_memory;
  if (status == proto::StatusCode::ok) {
    auto channel = storage.get_or_create(request.channel);
    proto::BatchReader reader(raw);
    std::string_view key_text, value;
    while (reader.next_pair(key_text, value)) {
      channel->put(*core::parse_key(key_text), value);
      ++session.node().stats().written;
    }
  }
  session.reply_status(status);
}

} // namespace shoal::dhtnode
