// RangeStream: the scan (bucket list, readers, filter, batches) runs on the thread pool in
// chunks. Reading a chunk's records is sequential (one reader, under State::mutex); compressing
// its batches, the costlier half, is not, so up to max_in_flight chunks are compressed at once
// on different pool threads. pump() hands finished chunks to the connection in their order.
#include "range_stream.hpp"

#include "node.hpp"
#include "session.hpp"

#include "core/log.hpp"
#include "proto/batch.hpp"
#include "proto/wire.hpp"
#include "store/bucket_dir.hpp"
#include "store/bucket_reader.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace shoal::logfilesnode {

namespace {
constexpr std::size_t chunk_bytes = 1 << 20; // raw batch bytes a chunk aims at
constexpr std::size_t max_in_flight = 2;     // chunks read or compressed at once (2 cores)
} // namespace

// One piece of the reply: batches read in order, then compressed apart from the others.
struct Chunk {
  std::vector<std::string> raw; // uncompressed batches
  std::string out;              // their batch arrays, for the connection
  std::uint64_t seq = 0;        // its place in the reply
  std::size_t raw_bytes = 0;    // their size
  bool last = false;            // nothing comes after it
  std::uint64_t sent = 0;       // records in it (for the stats)
  std::uint64_t damaged = 0;    // damaged records skipped
  std::uint64_t compressed = 0; // gzip buckets opened
  bool compress = true;         // LZO its batches (false: literal runs)
};

struct RangeStream::State {
  explicit State(Query q) : query(std::move(q)), batch(query.batch_size) {}

  // Thread pool: reads the next chunk's records in order (under mutex), then compresses them.
  void make_chunk(Chunk& chunk);

  Query query;
  std::atomic<bool> cancelled{false}; // the stream is gone: chunks are thrown away

  // Loop thread only.
  std::size_t in_flight = 0;                             // chunks on the pool
  std::map<std::uint64_t, std::unique_ptr<Chunk>> ready; // compressed, by seq
  std::vector<std::unique_ptr<Chunk>> spare;             // sent, their buffers kept
  std::uint64_t next_to_send = 0;
  bool reading_done = false; // a chunk marked last has been started or seen

  // The reading side, one pool thread at a time.
  std::mutex mutex;
  proto::BatchBuilder batch;
  std::optional<std::vector<store::BucketEntry>> buckets; // listed on the first chunk
  std::size_t next_bucket = 0;
  std::optional<store::BucketReader> reader;
  std::uint64_t next_seq = 0;
  bool exhausted = false;

private:
  void read_records(Chunk& chunk);
  bool next_reader(Chunk& chunk);
  void add(Chunk& chunk, std::uint64_t key, std::string_view value);
  void cut_batch(Chunk& chunk);
};

void
RangeStream::State::cut_batch(Chunk& chunk)
{
  chunk.raw.emplace_back();
  batch.take_raw(chunk.raw.back());
  chunk.raw_bytes += chunk.raw.back().size();
}

void
RangeStream::State::add(Chunk& chunk, std::uint64_t key, std::string_view value)
{
  if (batch.add(key, value)) {
    ++chunk.sent;
    return;
  }
  if (!batch.fits_empty(value.size())) {
    core::log_warn("{}: record {:016x} ({} bytes) is larger than a batch; skipped",
                   query.channel_dir, key, value.size());
    return;
  }
  cut_batch(chunk);
  batch.add(key, value);
  ++chunk.sent;
}

// Opens the next bucket; false when there is none left.
bool
RangeStream::State::next_reader(Chunk& chunk)
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
    chunk.compressed += b.compressed;
    reader.emplace(std::move(*opened));
    return true;
  }
  return false;
}

// Under mutex: the records of the next chunk_bytes of batches, in the reply's order.
void
RangeStream::State::read_records(Chunk& chunk)
{
  chunk.seq = next_seq++;
  if (exhausted) {
    chunk.last = true;
    return;
  }
  if (!buckets) {
    auto listed = store::list_buckets(query.channel_dir, query.min, query.max);
    if (!listed)
      core::log_warn("GetRange: {}", listed.error().message);
    buckets = listed ? std::move(*listed) : std::vector<store::BucketEntry>{};
  }
  while (chunk.raw_bytes < chunk_bytes) {
    if (!reader && !next_reader(chunk)) {
      if (!batch.empty())
        cut_batch(chunk);
      exhausted = chunk.last = true;
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
        add(chunk, item->key, item->value);
      continue;
    }
    if (item->kind == Kind::damaged && item->status != store::RecordStatus::truncated) {
      // Never send a damaged record; go on past it where the format allows. A truncated
      // record at the end is one being written right now: the end of this bucket for us.
      ++chunk.damaged;
      core::log_warn("GetRange: {}: {} at offset {}; skipped", reader->compressed() ? "gz" : "",
                     store::record_status_name(item->status), item->offset);
      auto more = reader->skip_damage();
      if (more && *more)
        continue;
    }
    reader.reset();
  }
}

void
RangeStream::State::make_chunk(Chunk& chunk)
{
  {
    std::lock_guard lock(mutex);
    if (cancelled)
      return;
    read_records(chunk);
  }
  proto::BatchCompressor compressor(chunk.compress); // per chunk: its guess is about this scan
  for (const std::string& raw : chunk.raw)
    compressor.array(raw, chunk.out);
  chunk.raw.clear();
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
  NodeStats& stats = m_session.node().stats();
  bool compress = m_lag.judge(conn.backlog_bytes()); // for the chunks started now
  for (auto it = s.ready.find(s.next_to_send); it != s.ready.end();
       it = s.ready.find(s.next_to_send)) {
    std::unique_ptr<Chunk> chunk = std::move(it->second);
    s.ready.erase(it);
    ++s.next_to_send;
    conn.output() += chunk->out;
    stats.iterated += chunk->sent;
    if (!chunk->compress)
      stats.iterated_uncompressed += chunk->sent;
    stats.damaged_reads += chunk->damaged;
    stats.compressed_read += chunk->compressed;
    if (chunk->last) {
      proto::WireWriter(conn.output()).array_length(0); // the end of the stream
      return true;
    }
    chunk->out.clear();
    *chunk = Chunk{std::move(chunk->raw), std::move(chunk->out)};
    s.spare.push_back(std::move(chunk));
  }
  if (conn.write_blocked()) {
    conn.want_drain(); // more chunks once the client has read some
    m_lag.waiting();
    return false;
  }
  while (!s.reading_done && s.in_flight + s.ready.size() < max_in_flight)
    start_chunk(compress);
  return false;
}

void
RangeStream::start_chunk(bool compress)
{
  ++m_state->in_flight;
  std::shared_ptr<State> state = m_state;
  auto chunk = std::make_shared<std::unique_ptr<Chunk>>();
  if (m_state->spare.empty()) {
    *chunk = std::make_unique<Chunk>();
  } else {
    *chunk = std::move(m_state->spare.back());
    m_state->spare.pop_back();
  }
  (*chunk)->compress = compress;
  Session* session = &m_session;
  net::queue_work(
      m_session.node().loop(), [state, chunk] { state->make_chunk(**chunk); },
      [state, chunk, session] {
        --state->in_flight;
        if (state->cancelled)
          return;
        if ((*chunk)->last)
          state->reading_done = true;
        state->ready.emplace((*chunk)->seq, std::move(*chunk));
        session->schedule_pump();
      });
}

} // namespace shoal::logfilesnode
