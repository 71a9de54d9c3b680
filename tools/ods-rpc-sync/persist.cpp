// persist_batch: files first, then one directory sync, then one database transaction: a crash
// in between leaves files the database does not know yet, which the start-up scan takes for
// local changes with the very same value and time - harmless, unlike the other order, where
// the database would claim a version the directory never got.
#include "persist.hpp"

#include "flag_dir.hpp"

#include "core/log.hpp"
#include "store/atomic_file.hpp"

namespace shoal::odsrpcsync {

namespace {

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

core::Status
write_one(const std::string& dir, const Update& u)
{
  if (u.op == Op::set)
    return write_flag(dir, u.name, u.value, u.ts_ns, false);
  return remove_flag(dir, u.name, false);
}

} // namespace

void
persist_batch(PersistBatch& batch, const std::string& dir, StateDb& db)
{
  bool any_remote = false;
  for (PersistItem& item : batch.items) {
    if (!item.remote) {
      item.written = true;
      continue;
    }
    any_remote = true;
    if (!unchanged(dir, item)) {
      item.conflict = true;
      continue;
    }
    auto status = write_one(dir, item.update);
    if (!status)
      core::log_error("applying {}: {}", item.update.name, status.error().message);
    item.written = status.ok();
  }
  if (any_remote) {
    // The files are in place either way; a failed directory sync only leaves their names
    // less durable than hoped, which the operator must hear of.
    if (auto synced = store::fsync_dir(dir); !synced)
      core::log_error("{}", synced.error().message);
  }
  std::vector<Update> done;
  for (const PersistItem& item : batch.items)
    if (item.written)
      done.push_back(item.update);
  batch.db_status = db.record_all(done);
  if (!batch.db_status)
    core::log_error("{}", batch.db_status.error().message);
}

} // namespace shoal::odsrpcsync
