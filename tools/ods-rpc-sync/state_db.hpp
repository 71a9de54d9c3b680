// StateDb: what this node knows of every flag: the version (ts_ns, origin) of the last change it
// applied or made, and whether that change set the flag or cleared it (a tombstone, so that an
// older SET arriving late cannot bring a cleared flag back). SQLite, in the state directory,
// so that it survives restarts; every write is durable before it returns. It is also the redo
// log of the flag directory: a remote change is recorded as pending before its file is
// written (unsynced), and marked durable once a filesystem sync has covered it; after a crash
// the pending ones are written again. Safe to use from two threads (one lock).
//
// Schema version 1 (PRAGMA user_version): flags(name TEXT PRIMARY KEY, ts_ns INTEGER, origin
// TEXT, present INTEGER, value TEXT, pending INTEGER: 0, or the batch that wrote the file and
// no sync covered yet). A new version migrates in open() and bumps user_version.
#pragma once

#include "update.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace shoal::odsrpcsync {

// The last-writer-wins order of changes: by time, then by node id, so that every node picks
// the same winner of two changes made in the same nanosecond.
inline bool
newer(std::uint64_t a_ts, std::string_view a_origin, std::uint64_t b_ts, std::string_view b_origin)
{
  return a_ts != b_ts ? a_ts > b_ts : a_origin > b_origin;
}

// What a node knows of one flag: the last change it applied or made.
struct FlagVersion {
  std::uint64_t ts_ns = 0;
  std::string origin;
  bool present = false; // false: a tombstone
  std::string value;

  bool operator==(const FlagVersion&) const = default;
};

// Every flag known, by name.
using FlagMap = std::map<std::string, FlagVersion, std::less<>>;

enum class Decision {
  apply, // newer than anything known (or the flag is unknown)
  stale, // older than what is known: drop it
  same,  // exactly what is known: a duplicate, or this node's own change coming back
};

// What to do with update u, given what is known of its flag (null: nothing).
inline Decision
decide(const FlagVersion* known, const Update& u)
{
  if (!known)
    return Decision::apply;
  if (known->ts_ns == u.ts_ns && known->origin == u.origin)
    return Decision::same;
  return newer(u.ts_ns, u.origin, known->ts_ns, known->origin) ? Decision::apply : Decision::stale;
}

class StateDb
{
public:
  using Version = FlagVersion;

  // Opens (creating) the database at path.
  static core::Result<std::unique_ptr<StateDb>> open(const std::string& path);
  ~StateDb();
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  core::Result<std::optional<Version>> get(std::string_view name);
  // Records u as the flag's version (durably), pending (see above) when pending > 0.
  core::Status record(const Update& u, std::uint64_t pending = 0);
  // Records every update in one transaction (durably): a batch costs one sync. pending[i]
  // is updates[i]'s pending mark (empty: none pending).
  core::Status record_all(const std::vector<Update>& updates,
                          const std::vector<std::uint64_t>& pending = {});
  // Forgets name (a change recorded as pending whose file could not be written, and which
  // had no version before).
  core::Status forget(std::string_view name);
  // The pending versions: files that may not have reached the disk.
  core::Result<std::vector<std::pair<std::string, Version>>> pending();
  // Marks durable every version pending with a mark from 1 to up_to.
  core::Status mark_durable(std::uint64_t up_to);
  // Every flag and tombstone, by name: the summary nodes exchange to converge.
  core::Result<std::vector<std::pair<std::string, Version>>> all();

private:
  explicit StateDb(sqlite3* db) : m_db(db) {}
  core::Status exec(const char* sql);
  core::Status record_locked(const Update& u, std::uint64_t pending);
  core::Result<std::vector<std::pair<std::string, Version>>> select(const char* sql);
  core::Error error(const std::string& what) const;

  sqlite3* m_db;
  std::mutex m_mutex;
};

} // namespace shoal::odsrpcsync
