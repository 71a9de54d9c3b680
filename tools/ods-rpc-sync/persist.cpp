// persist_batch: per flag, the last remote update of the batch is what the file must become;
// the database records the batch (the redo log) before any file changes, so that a crash
// anywhere leaves either the old state or a pending record that recover_pending finishes.
#include "persist.hpp"

#include "flag_dir.hpp"

#include "core/log.hpp"
#include "store/atomic_file.hpp"

#include <limits>
#include <map>

namespace shoal::odsrpcsync {

namespace {

// What a batch does to one flag.
struct Plan {
  std::size_t first = 0; // its first remote item: the state the batch found
  std::size_t last = 0;  // its last: the state the batch leaves
  bool conflict = false;
  bool ok = true;
};

// True when the file is what `before` says it should be: the version the decision saw.
bool
unchanged(const std::string& dir, const PersistItem& item)
{
  auto file = read_flag(dir, item.update.name);
  if (!file)
    return false; // unreadable or illegal: a local change (the local check will log it)
  bool known_present = item.before && item.before->present;
  if (!*file || !known_present)
    return !*file && !known_present;
  return (*file)->value == item.before->value && (*file)->mtime_ns == item.before->ts_ns;
}

// One plan per flag the batch changes remotely, conflicts found.
std::map<std::string, Plan>
plan(const PersistBatch& batch, const std::string& dir)
{
  std::map<std::string, Plan> plans;
  for (std::size_t i = 0; i < batch.items.size(); ++i) {
    if (!batch.items[i].remote)
      continue;
    auto [it, fresh] = plans.try_emplace(batch.items[i].update.name);
    if (fresh)
      it->second.first = i;
    it->second.last = i;
  }
  for (auto& [name, p] : plans) {
    p.conflict = !unchanged(dir, batch.items[p.first]);
    p.ok = !p.conflict;
  }
  return plans;
}

core::Status
write_file(const std::string& dir, const Update& u)
{
  if (u.op == Op::clear)
    return remove_flag(dir, u.name, false);
  return write_flag(dir, u.name, u.value, u.ts_ns, false);
}

// The file could not be written: the record goes back to what was known before.
void
undo(StateDb& db, const PersistItem& first)
{
  core::Status status;
  if (first.before) {
    Update back{first.before->origin, first.before->ts_ns,
                first.before->present ? Op::set : Op::clear, first.update.name,
                first.before->value};
    status = db.record(back);
  } else {
    status = db.forget(first.update.name);
  }
  if (!status)
    core::log_error("{}", status.error().message);
}

} // namespace

void
persist_batch(PersistBatch& batch, const std::string& dir, StateDb& db)
{
  auto plans = plan(batch, dir);
  std::vector<Update> records;
  std::vector<std::uint64_t> pending;
  for (const PersistItem& item : batch.items) {
    if (item.remote && !plans.at(item.update.name).ok)
      continue;
    records.push_back(item.update);
    pending.push_back(item.remote ? batch.seq : 0);
  }
  batch.db_status = db.record_all(records, pending);
  if (!batch.db_status) {
    core::log_error("{}", batch.db_status.error().message);
    return; // nothing written, nothing acknowledged
  }
  for (auto& [name, p] : plans) {
    if (!p.ok)
      continue;
    if (auto status = write_file(dir, batch.items[p.last].update); !status) {
      core::log_error("applying {}: {}", name, status.error().message);
      p.ok = false;
      undo(db, batch.items[p.first]);
    }
  }
  for (PersistItem& item : batch.items) {
    const Plan* p = item.remote ? &plans.at(item.update.name) : nullptr;
    item.conflict = p && p->conflict;
    item.written = !p || p->ok;
  }
}

core::Status
sync_pass(const std::string& dir, StateDb& db, std::uint64_t up_to)
{
  SHOAL_TRY(sync_filesystem(dir));
  SHOAL_TRY(store::fsync_dir(dir));
  return db.mark_durable(up_to);
}

core::Result<std::size_t>
recover_pending(const std::string& dir, StateDb& db)
{
  auto pending = db.pending();
  if (!pending)
    return pending.take_error();
  for (const auto& [name, v] : *pending) {
    auto status =
        v.present ? write_flag(dir, name, v.value, v.ts_ns, false) : remove_flag(dir, name, false);
    if (!status)
      return status.error();
  }
  if (!pending->empty())
    SHOAL_TRY(sync_pass(dir, db, std::numeric_limits<std::int64_t>::max()));
  return pending->size();
}

} // namespace shoal::odsrpcsync
