// Persist: makes a batch of decided updates durable, on libuv's thread pool (fsync and SQLite
// never run on the loop). The state database is the flag directory's redo log: the batch is
// recorded first, in one transaction (one sync), remote changes marked pending with the
// batch's number; then their files are written and renamed into place, unsynced. A sync pass
// (sync_pass), every second and off the batches' path, syncs the filesystem once and marks what
// it covered durable; after a crash, recover_pending writes the pending ones again. One batch
// at a time: while it runs the next one gathers, so its sync is shared by all that came.
#pragma once

#include "state_db.hpp"
#include "update.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shoal::odsrpcsync {

struct PersistItem {
  Update update;
  bool remote = false;               // write the flag file (a local change is there already)
  std::uint64_t tag = 0;             // the transport's (remote), acknowledged once durable
  std::uint64_t received_ms = 0;     // loop time it arrived (remote)
  std::optional<FlagVersion> before; // what was known before it, to go back to on failure
  bool written = false;              // result: recorded, and the file is as the update says
  bool conflict = false; // result: not written, the file had changed since `before` (a local
                         // change not seen yet): decide again once it has been
};

struct PersistBatch {
  std::uint64_t seq = 0; // its number, the pending mark of what it writes
  std::vector<PersistItem> items;
  core::Status db_status; // result: the state database recorded the batch
};

// Pool thread: records and writes the batch. A remote update is written only over the file
// its decision was based on (`before`): a flag changed locally in between is left alone
// (conflict), never overwritten unseen. A file that cannot be written is logged, its record
// undone, and does not stop the others. When the database cannot record the batch, nothing is
// written and nothing counts as written.
void persist_batch(PersistBatch& batch, const std::string& dir, StateDb& db);

// Pool thread: one filesystem sync, then every pending mark up to up_to is cleared.
core::Status sync_pass(const std::string& dir, StateDb& db, std::uint64_t up_to);

// Start-up: writes every pending version to its file again (synced) and clears the marks;
// returns how many.
core::Result<std::size_t> recover_pending(const std::string& dir, StateDb& db);

} // namespace shoal::odsrpcsync
