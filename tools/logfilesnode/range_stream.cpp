// RangeStream: the scan (bucket list, readers, filter, batches) runs in State on the thread
// pool; pump() hands finished chunks to the connection.
#include "range_stream.hpp"

#include "node.hpp"
#include "session.hpp"

#include "core/log.hpp"
#include "proto/batch.hpp"
#include "proto/wire.hpp"
#include "store/bucket_dir.hpp"
#include "store/bucket_reader.hpp"

#include <atomic>
#include <optional>
#include <vector>

namespace shoal::logfilesnode {

namespace {
constexpr std::size_t chunk_bytes = 1 << 20; // wire bytes a chunk of batches aims at
} // namespace

struct RangeStream::State {
  explicit State(Query q) : query(std::move(q)), batch(query.batch_size) {}

  // Thread pool: fills `out` with about chunk_bytes of batch arrays (done at the end).
  void read_chunk();
  bool next_reader();
  void add(std::uint64_t key, std::string_view value);

  Query query;
  proto::BatchBuilder batch;
  std::optional<std::vector<store::BucketEntry>> buckets; // listed on the first chunk
  std::size_t next_bucket = 0;
  std::optional<store::BucketReader> reader;
  std::string out;              // finished batch arrays, for the loop
  bool done = false;            // nothing more after out
  std::uint64_t sent = 0;       // records in out (for the stats)
  std::uint64_t damaged = 0;    // damaged records skipped
  std::uint64_t compressed = 0; // gzip buckets read
  std::string error;            // a failure that ended the scan early (logged)

  bool working = false;               // loop thread: a chunk is being read
  std::atomic<bool> cancelled{false}; // the stream is gone: the chunk is thrown away
};

void
RangeStream::State::add(std::uint64_t key, std::string_view value)
{
  if (batch.add(key, value)) {
    ++sent;
    return;
  }
  if (!batch.fits_empty(value.size())) {
    core::log_warn("{}: record {:016x} ({} bytes) is larger than a batch; skipped",
                   query.channel_dir, key, value.size());
    return;
  }
  batch.finish_array(out);
  batch.add(key, value);
  ++sent;
}

// Opens the next bucket; false when there is none left.
bool
RangeStream::State::next_reader()
{
  reader.reset();
  while (next_bucket < buckets->size()) {
    const store::BucketEntry& b = (*buckets)[next_bucket++];
    store::BucketReadOptions opts;
    opts.first_key = b.first_key;
    opts.max_value = query.max_value;
    auto opened = store::BucketReader::open(b.path, opts);
    if (!opened) {
      core::log_warn("GetRange: {}", opened.error().message);
      continue;
    }
    compressed += b.compressed;
    reader.emplace(std::move(*opened));
    return true;
  }
  return false;
}

void
RangeStream::State::read_chunk()
{
  if (!buckets) {
    auto listed = store::list_buckets(query.channel_dir, query.min, query.max);
    if (!listed) {
      error = listed.error().message;
      buckets.emplace();
    } else {
      buckets = std::move(*listed);
    }
  }
  while (out.size() < chunk_bytes) {
    if (!reader && !next_reader()) {
      if (!batch.empty())
        batch.finish_array(out);
      done = true;
      return;
    }
    auto item = reader->next();
    if (!item) {
      core::log_warn("GetRange: {}", item.error().message);
      reader.reset();
      continue;
    }
    using Kind = store::BucketReader::Item::Kind;
    if (item->kind == Kind::record) {
      if (item->key >= query.min && item->key <= query.max &&
          (query.filter.empty() || item->value.find(query.filter) != std::string_view::npos))
        add(item->key, item->value);
      continue;
    }
    if (item->kind == Kind::damaged && item->status != store::RecordStatus::truncated) {
      // Never send a damaged record; go on past it where the format allows. A truncated
      // record at the end is one being written right now: the end of this bucket for us.
      ++damaged;
      core::log_warn("GetRange: {}: {} at offset {}; skipped", reader->compressed() ? "gz" : "",
                     store::record_status_name(item->status), item->offset);
      auto more = reader->skip_damage();
      if (more && *more)
        continue;
    }
    reader.reset();
  }
}

RangeStream::RangeStream(Session& session, Query query)
    : m_session(session), m_state(std::make_shared<State>(std::move(query)))
{
}

RangeStream::~RangeStream()
{
  m_state->cancelled = true;
}

bool
RangeStream::pump(net::Connection& conn)
{
  State& s = *m_state;
  if (s.working)
    return false;
  if (!s.out.empty()) {
    conn.output() += s.out;
    s.out.clear();
    NodeStats& stats = m_session.node().stats();
    stats.iterated += s.sent;
    stats.damaged_reads += s.damaged;
    stats.compressed_read += s.compressed;
    s.sent = s.damaged = s.compressed = 0;
  }
  if (s.done) {
    proto::WireWriter(conn.output()).array_length(0); // the end of the stream
    return true;
  }
  if (conn.write_blocked()) {
    conn.want_drain(); // the next chunk once the client has read some
    return false;
  }
  start_chunk();
  return false;
}

void
RangeStream::start_chunk()
{
  m_state->working = true;
  std::shared_ptr<State> state = m_state;
  Session* session = &m_session;
  net::queue_work(
      m_session.node().loop(), [state] { state->read_chunk(); },
      [state, session] {
        state->working = false;
        if (!state->cancelled)
          session->schedule_pump();
      });
}

} // namespace shoal::logfilesnode
