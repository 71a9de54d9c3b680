// Persist: makes a batch of decided updates durable, on libuv's thread pool (fsync and SQLite
// never run on the loop). Remote updates are written to the flag directory (atomically, the
// directory synced once for the batch); then every update of the batch, local ones included,
// is recorded in the state database in one transaction. One batch at a time: while it runs,
// the next one gathers, so the cost of the syncs is shared by everything that came meanwhile.
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
  std::uint64_t received_ms = 0;     // loop time it arrived (remote), for the lag
  std::optional<FlagVersion> before; // what was known before it, to go back to on failure
  bool written = false;              // result: the file is as the update says
  bool conflict = false; // result: not written, the file had changed since `before` (a local
                         // change not seen yet): decide again once it has been
};

struct PersistBatch {
  std::vector<PersistItem> items;
  core::Status db_status; // result: the state database recorded the batch
};

// Pool thread: writes and records the batch; a file that cannot be written is logged, left
// unrecorded (written stays false) and does not stop the others. A remote update is written
// only over the file its decision was based on (`before`): a flag changed locally in between is
// left alone (conflict), never overwritten unseen.
void persist_batch(PersistBatch& batch, const std::string& dir, StateDb& db);

} // namespace shoal::odsrpcsync
