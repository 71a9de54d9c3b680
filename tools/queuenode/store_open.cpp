// Store start-up: the last checkpoint or the files of a clean save, then the journals after
// the checkpoint replayed on top; durable mode then starts the journal.
#include "checkpoint.hpp"
#include "data_dir.hpp"
#include "rq_file.hpp"
#include "store.hpp"

#include "core/bytes.hpp"
#include "core/log.hpp"

#include <filesystem>

namespace shoal::queuenode {

using core::load_le;
using store::remove_file;

namespace {

// True if a journal of listing holds an entry.
core::Result<bool>
has_entries(const DirListing& listing)
{
  for (const auto& [generation, path] : listing.journals) {
    auto reader = JournalReader::open(path);
    if (!reader)
      return reader.take_error();
    JournalEntry entry;
    auto more = reader->next(entry);
    if (!more || *more)
      return more;
  }
  return false;
}

} // namespace

core::Result<std::unique_ptr<Store>>
Store::open(StoreOptions options, CapacityFn capacity)
{
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec)
    return core::make_error(core::Errc::io, "cannot create " + options.dir + ": " + ec.message());
  auto listing = scan_data_dir(options.dir);
  if (!listing)
    return listing.take_error();
  std::unique_ptr<Store> store(new Store(std::move(options), std::move(capacity)));
  for (const std::string& path : listing->temporaries) {
    store->warn("removed " + path + ", the leftover of an interrupted write");
    (void)remove_file(path);
  }
  bool loose =
      listing->checkpoints.empty() && !(listing->rings.empty() && listing->overflows.empty());
  SHOAL_TRY(store->load(*listing));
  for (const auto& [name, queue] : store->m_queues) {
    store->m_report.records += queue->records();
    store->m_report.bytes += queue->bytes();
  }
  store->m_report.queues = store->m_queues.size();
  SHOAL_TRY(store->start(loose));
  return store;
}

core::Status
Store::load(const DirListing& listing)
{
  std::uint64_t base = 0; // the checkpoint's generation; journals before it are stale
  bool durable = m_ctx.overflow.durable;
  if (!listing.checkpoints.empty()) {
    auto last = std::prev(listing.checkpoints.end());
    base = last->first;
    m_checkpoint = last->second;
    // The checkpoint names offsets in the overflow files: until the first change, even a
    // non-durable store must neither reset nor punch them (see first_change).
    m_ctx.overflow.durable = true;
    SHOAL_TRY(load_checkpoint(last->second));
    m_ctx.overflow.durable = durable;
    for (const auto& [generation, path] : listing.checkpoints)
      m_stale.push_back(path);
    for (const auto& [name, path] : listing.rings) {
      warn(path + " ignored: the checkpoint " + last->second + " is newer");
      m_stale.push_back(path);
    }
  } else if (auto journaled = has_entries(listing); !journaled) {
    return journaled.take_error();
  } else if (*journaled) {
    // A durable run that never checkpointed started from nothing: overflow files are its
    // orphans (the replay writes their records again) and rings cannot be newer.
    for (const auto& [name, path] : listing.rings) {
      warn(path + " ignored: the journal is newer");
      m_stale.push_back(path);
    }
  } else {
    SHOAL_TRY(load_loose(listing));
  }
  m_generation = base;
  m_ctx.log = nullptr; // replayed changes are not journaled again
  m_ctx.enforce_limit = false;
  for (const auto& [generation, path] : listing.journals) {
    m_stale.push_back(path);
    if (generation < base)
      continue;
    SHOAL_TRY(replay(path));
    m_generation = generation;
  }
  m_ctx.enforce_limit = true;
  return {};
}

core::Status
Store::load_checkpoint(const std::string& path)
{
  auto reader = CheckpointReader::open(path);
  if (!reader)
    return reader.take_error();
  m_next_seq = reader->next_seq();
  CheckpointSection section;
  for (;;) {
    auto more = reader->next(section);
    if (!more)
      return more.take_error();
    if (!*more)
      return {};
    auto name = QueueName::parse(section.name);
    if (!name)
      return core::make_error(core::Errc::bad_data,
                              path + ": invalid queue name \"" + section.name + "\"");
    auto queue = create(*name, section.id);
    if (!queue)
      return queue.take_error();
    SHOAL_TRY(reader->read_ring((*queue)->ring()));
    if (const auto& state = section.overflow) {
      auto file = OverflowFile::open_at(overflow_path(m_options.dir, section.name, state->file_id),
                                        *state, m_ctx.overflow);
      if (!file)
        return file.take_error();
      (*queue)->attach_overflow(std::move(*file));
    }
  }
}

core::Status
Store::load_loose(const DirListing& listing)
{
  for (const auto& [full, path] : listing.rings) {
    auto queue = create(*QueueName::parse(full), m_next_id);
    if (!queue)
      return queue.take_error();
    SHOAL_TRY(load_rq(path, (*queue)->ring()));
    m_stale.push_back(path);
  }
  for (const auto& [full, files] : listing.overflows) {
    if (files.size() > 1)
      return core::make_error(core::Errc::bad_data, "queue " + full + " has " +
                                                        std::to_string(files.size()) +
                                                        " overflow files, e.g. " + files[0].path);
    Queue* queue = find(full);
    if (!queue) { // overflow only: its ring was empty at the save
      auto created = create(*QueueName::parse(full), m_next_id);
      if (!created)
        return created.take_error();
      queue = *created;
    }
    std::string warning;
    auto file = OverflowFile::open_scan(files[0].path, m_ctx.overflow, m_options.salvage, warning);
    if (!file)
      return file.take_error();
    if (!warning.empty())
      warn(warning);
    queue->attach_overflow(std::move(*file));
  }
  return {};
}

core::Status
Store::replay(const std::string& path)
{
  auto reader = JournalReader::open(path);
  if (!reader)
    return reader.take_error();
  if (reader->file_size() == 0)
    return {};
  if (reader->first_seq() != m_next_seq && m_report.replayed + m_queues.size() > 0)
    warn(path + ": starts at sequence number " + std::to_string(reader->first_seq()) +
         ", expected " + std::to_string(m_next_seq));
  m_next_seq = reader->first_seq();
  JournalEntry entry;
  for (;;) {
    auto more = reader->next(entry);
    if (!more)
      return more.take_error();
    if (!*more)
      break;
    if (auto s = apply(entry); !s)
      return core::make_error(s.error().code, path + ": offset " + std::to_string(entry.offset) +
                                                  ": " + s.error().message);
    ++m_next_seq;
    ++m_report.replayed;
  }
  if (reader->valid_end() < reader->file_size())
    warn(path + ": ignored " + std::to_string(reader->file_size() - reader->valid_end()) +
         " bytes from offset " + std::to_string(reader->valid_end()) +
         " (an entry torn by a crash; never reported durable)");
  return {};
}

core::Status
Store::apply(const JournalEntry& entry)
{
  if (entry.type == EntryType::define) {
    auto name = QueueName::parse(entry.data);
    if (!name)
      return core::make_error(core::Errc::bad_data, "invalid queue name in a define entry");
    auto queue = create(*name, entry.queue);
    return queue ? core::Status() : core::Status(queue.take_error());
  }
  auto it = m_by_id.find(entry.queue);
  if (it == m_by_id.end())
    return core::make_error(core::Errc::bad_data,
                            "unknown queue id " + std::to_string(entry.queue));
  Queue& queue = *it->second;
  switch (entry.type) {
  case EntryType::push:
    if (queue.push(entry.data).status != PushStatus::ok)
      return core::make_error(core::Errc::io,
                              "cannot replay a push to " + queue.full_name() + " (see the log)");
    return {};
  case EntryType::pop: return queue.discard(load_le<std::uint64_t>(entry.data.data()));
  case EntryType::clear: return queue.clear();
  case EntryType::remove: erase(queue); return {};
  case EntryType::define: break;
  }
  return {};
}

core::Status
Store::start(bool loaded_loose)
{
  if (!m_options.durable) {
    m_loose = m_checkpoint.empty() && m_report.replayed == 0;
    m_ctx.changed = false; // the replay's changes are what the files say
    m_ctx.on_first_change = [this] { first_change(); };
    return {};
  }
  m_ctx.log = &m_log;
  if (loaded_loose || m_report.replayed > 0)
    return checkpoint(); // the state now lives in a checkpoint; the old files go
  m_generation = std::max<std::uint64_t>(m_generation, 1);
  auto journal = Journal::create(journal_path(m_options.dir, m_generation), m_generation,
                                 m_next_seq, m_options.journal);
  if (!journal)
    return journal.take_error();
  m_journal = std::move(*journal);
  std::erase(m_stale, m_journal->path());
  std::erase(m_stale, m_checkpoint); // the journal follows it
  for (const std::string& path : m_stale)
    m_housekeeper.remove(path);
  m_stale.clear();
  collect_garbage();
  return {};
}

} // namespace shoal::queuenode
