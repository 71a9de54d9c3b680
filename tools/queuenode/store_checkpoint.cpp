// Store checkpoints (durable mode): the state of every queue in one atomic file, a new journal
// generation, then the old files and the popped heads of the overflow files let go.
#include "checkpoint.hpp"
#include "data_dir.hpp"
#include "store.hpp"

#include "core/log.hpp"
#include "store/atomic_file.hpp"

namespace shoal::queuenode {

using store::remove_file;

core::Status
Store::checkpoint()
{
  if (!m_options.durable)
    return core::make_error(core::Errc::usage, "checkpoints are for durable mode");
  // The checkpoint names offsets in the overflow files: their bytes must be on disk first.
  for (auto& [name, queue] : m_queues)
    if (OverflowFile* overflow = queue->overflow())
      SHOAL_TRY(overflow->sync());
  if (m_ctx.new_files)
    SHOAL_TRY(store::fsync_dir(m_options.dir));
  std::uint64_t generation = m_generation + 1;
  std::uint64_t seq = next_seq();
  // The new journal exists (empty) before the checkpoint that it follows: a crash in between
  // leaves the old checkpoint and both journals, and replaying an empty journal does nothing.
  // The checkpoint's directory fsync makes its name durable before any entry is appended.
  auto journal = Journal::create(journal_path(m_options.dir, generation), generation, seq,
                                 m_options.journal, false);
  if (!journal)
    return journal.take_error();
  std::vector<CheckpointQueue> queues;
  queues.reserve(m_queues.size());
  for (auto& [name, queue] : m_queues) {
    CheckpointQueue& q =
        queues.emplace_back(CheckpointQueue{queue->id(), &name, &queue->ring(), {}});
    if (OverflowFile* overflow = queue->overflow(); overflow && !overflow->empty())
      q.overflow = overflow->state();
  }
  std::string path = checkpoint_path(m_options.dir, generation);
  if (auto s = write_checkpoint(path, generation, seq, queues); !s) {
    std::string journal_file = (*journal)->path();
    (*journal)->stop(true);
    journal->reset();
    (void)remove_file(journal_file);
    return s;
  }
  std::string old_journal = m_journal ? m_journal->path() : std::string();
  if (m_journal) { // its pending entries are in the checkpoint: it may stop in the background
    std::shared_ptr<Journal> old(std::move(m_journal));
    m_housekeeper.post([old] { old->stop(true); });
  }
  m_journal = std::move(*journal);
  std::string old_checkpoint = std::exchange(m_checkpoint, path);
  m_generation = generation;
  m_ctx.new_files = false;
  if (m_options.journal.wakeup) // everything appended so far is durable now
    m_options.journal.wakeup();
  after_checkpoint(old_journal, old_checkpoint);
  return {};
}

void
Store::after_checkpoint(const std::string& old_journal, const std::string& old_checkpoint)
{
  auto log = [](core::Status s) {
    if (!s)
      core::log_error("after a checkpoint: {}", s.error().message);
  };
  for (auto& [name, queue] : m_queues) {
    OverflowFile* overflow = queue->overflow();
    if (overflow && overflow->empty()) {
      log(queue->drop_overflow()); // the checkpoint does not name it
    } else if (overflow) {
      overflow->checkpointed();
      log(overflow->reclaim());
    }
  }
  for (const std::string& file : {old_journal, old_checkpoint})
    if (!file.empty())
      m_housekeeper.remove(file);
  for (const std::string& file : m_stale)
    if (file != m_checkpoint && file != m_journal->path())
      m_housekeeper.remove(file);
  m_stale.clear();
  collect_garbage();
}

void
Store::collect_garbage()
{
  // Overflow files no queue uses: of removed queues, or written after the last checkpoint by a
  // run that crashed (the journal replay wrote their records again).
  auto listing = scan_data_dir(m_options.dir);
  if (!listing) {
    core::log_error("{}", listing.error().message);
    return;
  }
  for (const auto& [name, files] : listing->overflows) {
    Queue* queue = find(name);
    for (const FoundOverflow& file : files) {
      if (queue && queue->overflow() && queue->overflow()->file_id() == file.file_id)
        continue;
      m_housekeeper.remove(file.path);
    }
  }
}

bool
Store::checkpoint_due() const
{
  if (!m_options.durable)
    return false;
  if (!m_journal || m_journal->failed())
    return true;
  if (m_journal->size() >= m_options.checkpoint_bytes) {
    std::uint64_t live = 0;
    for (const auto& [name, queue] : m_queues)
      live += queue->bytes() + queue->records() * 8;
    if (m_journal->size() > m_options.checkpoint_ratio * live)
      return true;
  }
  if (m_ctx.overflow_used > m_ctx.overflow_limit / 2) {
    std::uint64_t dead = 0; // popped records a checkpoint would let the files punch
    for (const auto& [name, queue] : m_queues)
      if (const OverflowFile* overflow = queue->overflow())
        dead += overflow->disk_bytes() - overflow->bytes() - overflow->records() * 8;
    return dead > m_ctx.overflow_limit / 4;
  }
  return false;
}

} // namespace shoal::queuenode
