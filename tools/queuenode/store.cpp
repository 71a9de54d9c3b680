// Store: the queues by name and id, the journal hook, shutdown save and the durable getters.
#include "store.hpp"

#include "data_dir.hpp"
#include "rq_file.hpp"

#include "core/bytes.hpp"
#include "core/log.hpp"

#include <set>

namespace shoal::queuenode {

using core::store_le;
using store::remove_file;

Store::Store(StoreOptions options, CapacityFn capacity)
    : m_options(std::move(options)), m_capacity(std::move(capacity))
{
  m_ctx.dir = m_options.dir;
  m_ctx.overflow.chunk = m_options.io_chunk;
  m_ctx.overflow.reclaim_chunk = m_options.reclaim_chunk;
  m_ctx.overflow.durable = m_options.durable;
  m_ctx.overflow.disk_used = &m_ctx.overflow_used;
  m_ctx.overflow.housekeeper = &m_housekeeper;
  m_ctx.overflow_limit = m_options.overflow_limit;
}

Store::~Store()
{
  if (m_journal)
    m_journal->stop(false);
  m_queues.clear(); // before m_ctx, which the overflow files count their bytes in
}

bool
Store::JournalLog::writable() const
{
  return m_store.m_journal && !m_store.m_journal->failed();
}

std::uint64_t
Store::JournalLog::log(EntryType type, std::uint32_t queue, std::string_view data)
{
  // After a failure nothing is appended: the journal stays a prefix of the history (pops go
  // unlogged then, and come back after a crash unless a checkpoint succeeds first).
  return writable() ? m_store.m_journal->append(type, queue, data) : 0;
}

std::uint64_t
Store::JournalLog::log_push(std::uint32_t queue, std::string_view value)
{
  return log(EntryType::push, queue, value);
}

std::uint64_t
Store::JournalLog::log_pop(std::uint32_t queue, std::uint64_t count)
{
  char data[8];
  store_le<std::uint64_t>(data, count);
  return log(EntryType::pop, queue, std::string_view(data, 8));
}

std::uint64_t
Store::JournalLog::log_clear(std::uint32_t queue)
{
  return log(EntryType::clear, queue, {});
}

Queue*
Store::find(std::string_view full_name)
{
  if (full_name.starts_with('@')) // the later DMQ's spelling of the default subscriber
    full_name.remove_prefix(1);
  auto it = m_queues.find(full_name);
  return it == m_queues.end() ? nullptr : it->second.get();
}

core::Result<Queue*>
Store::get_or_create(std::string_view full_name)
{
  if (Queue* queue = find(full_name))
    return queue;
  auto name = QueueName::parse(full_name);
  if (!name)
    return core::make_error(core::Errc::usage,
                            "invalid queue name \"" + std::string(full_name) + "\"");
  if (Queue* queue = find(name->full()))
    return queue;
  // Loading never checks the limit (what was saved comes back); only new queues are refused.
  if (m_options.ring_limit && ring_capacity() + m_capacity(*name) > m_options.ring_limit)
    return core::make_error(core::Errc::unavailable,
                            "queue " + name->full() + " would take the rings over " +
                                std::to_string(m_options.ring_limit) + " bytes (--size-limit)");
  auto queue = create(*name, m_next_id);
  if (queue && m_ctx.log)
    m_log.log(EntryType::define, (*queue)->id(), (*queue)->full_name());
  return queue;
}

std::uint64_t
Store::ring_capacity() const
{
  std::uint64_t total = 0;
  for (const auto& [name, queue] : m_queues)
    total += queue->capacity();
  return total;
}

core::Result<Queue*>
Store::create(const QueueName& name, std::uint32_t id)
{
  std::string full = name.full();
  if (m_by_id.count(id) || m_queues.count(full))
    return core::make_error(core::Errc::bad_data,
                            "queue " + full + " or id " + std::to_string(id) + " defined twice");
  auto ring = ByteRing::create(m_capacity(name));
  if (!ring)
    return ring.take_error();
  auto queue = std::make_unique<Queue>(name, id, std::move(*ring), m_ctx);
  Queue* raw = queue.get();
  m_queues.emplace(std::move(full), std::move(queue));
  m_by_id[id] = raw;
  m_next_id = std::max(m_next_id, id + 1);
  return raw;
}

core::Status
Store::remove(std::string_view full_name)
{
  Queue* queue = find(full_name);
  if (!queue)
    return {};
  m_ctx.note_change();
  core::Status status;
  if (m_options.durable) // a checkpoint may still name its overflow file
    m_log.log(EntryType::remove, queue->id(), {});
  else
    status = queue->drop_overflow();
  erase(*queue);
  return status;
}

void
Store::erase(Queue& queue)
{
  m_by_id.erase(queue.id());
  m_queues.erase(m_queues.find(queue.full_name()));
}

std::vector<Queue*>
Store::queues() const
{
  std::vector<Queue*> out;
  out.reserve(m_queues.size());
  for (const auto& [name, queue] : m_queues)
    out.push_back(queue.get());
  return out;
}

core::Status
Store::flush_overflow()
{
  core::Status first;
  for (auto& [name, queue] : m_queues)
    if (OverflowFile* overflow = queue->overflow())
      if (auto s = overflow->flush(); !s && first)
        first = s.take_error();
  return first;
}

core::Status
Store::save()
{
  return m_options.durable ? checkpoint() : save_loose();
}

core::Status
Store::save_loose()
{
  core::Status first;
  auto note = [&](core::Status s) {
    if (s)
      return;
    core::log_error("{}", s.error().message);
    if (first)
      first = s.take_error();
  };
  if (!m_ctx.changed && m_loose)
    return {}; // the .rq and overflow files loaded at start-up (or saved last) are current
  std::set<std::string> written;
  m_housekeeper.wait_idle(); // a deletion still queued must not hit a file written below
  for (auto& [name, queue] : m_queues) {
    std::string path = ring_path(m_options.dir, name);
    if (queue->ring().empty()) {
      note(remove_file(path));
    } else {
      note(save_rq(queue->ring(), path));
      written.insert(path);
    }
    OverflowFile* overflow = queue->overflow();
    if (overflow && overflow->empty())
      note(queue->drop_overflow());
    else if (overflow) { // data first, then the header that says it is complete
      note(overflow->sync());
      note(overflow->set_clean(true));
    }
  }
  for (const std::string& path : m_stale)
    if (!written.count(path))
      m_housekeeper.remove(path);
  collect_garbage();
  // The files now describe the queues again, until the next change.
  m_stale.assign(written.begin(), written.end());
  m_ctx.changed = false;
  m_loose = true;
  return first;
}

void
Store::first_change()
{
  // Non-durable mode: the files loaded at start-up (or written by save) stop describing the
  // queues at their first change; a crash from now on must not bring the old state back.
  for (const std::string& path : m_stale)
    m_housekeeper.remove(path);
  m_stale.clear();
  for (auto& [name, queue] : m_queues)
    if (OverflowFile* overflow = queue->overflow()) {
      overflow->set_durable(false);
      if (auto s = overflow->set_clean(false); !s)
        core::log_error("{}", s.error().message);
    }
  collect_garbage();
}

std::uint64_t
Store::next_seq() const
{
  return m_journal ? m_journal->appended() + 1 : m_next_seq;
}

std::uint64_t
Store::appended_seq() const
{
  return next_seq() - 1;
}

std::uint64_t
Store::synced_seq() const
{
  return m_journal ? m_journal->synced() : next_seq() - 1;
}

bool
Store::journal_failed() const
{
  return m_options.durable && (!m_journal || m_journal->failed());
}

core::Error
Store::journal_error() const
{
  if (m_journal)
    return m_journal->error();
  return core::make_error(core::Errc::io, "no journal (the last checkpoint failed)");
}

std::uint64_t
Store::journal_backlog() const
{
  return m_journal ? m_journal->backlog() : 0;
}

void
Store::publish_journal()
{
  if (m_journal)
    m_journal->publish();
}

void
Store::wait_synced()
{
  if (m_journal)
    m_journal->wait_synced(m_journal->appended());
}

void
Store::warn(std::string message)
{
  core::log_warn("{}", message);
  m_report.warnings.push_back(std::move(message));
}

} // namespace shoal::queuenode
