// StateDb on SQLite: prepared statements per call (the rate is that of flag changes, a few
// thousand a second at most), WAL with synchronous=FULL for durability.
#include "state_db.hpp"

#include <sqlite3.h>

namespace shoal::odsrpcsync {

namespace {

// A prepared statement, finalized on scope exit.
class Stmt
{
public:
  Stmt(sqlite3* db, const char* sql) { m_rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr); }
  ~Stmt() { sqlite3_finalize(m_stmt); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return m_rc == SQLITE_OK; }
  sqlite3_stmt* get() { return m_stmt; }
  // Binds s as text; an empty view is bound as "" (a null pointer would bind SQL NULL).
  void text(int i, std::string_view s)
  {
    sqlite3_bind_text(m_stmt, i, s.empty() ? "" : s.data(), static_cast<int>(s.size()),
                      SQLITE_TRANSIENT);
  }
  void integer(int i, std::int64_t v) { sqlite3_bind_int64(m_stmt, i, v); }
  std::string column_text(int i)
  {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, i))) : "";
  }

private:
  sqlite3_stmt* m_stmt = nullptr;
  int m_rc = SQLITE_ERROR;
};

StateDb::Version
version_of(Stmt& s, int first)
{
  StateDb::Version v;
  v.ts_ns = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), first));
  v.origin = s.column_text(first + 1);
  v.present = sqlite3_column_int(s.get(), first + 2) != 0;
  v.value = s.column_text(first + 3);
  return v;
}

} // namespace

core::Result<std::unique_ptr<StateDb>>
StateDb::open(const std::string& path)
{
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<StateDb> state(new StateDb(db));
  if (rc != SQLITE_OK)
    return state->error("cannot open " + path);
  SHOAL_TRY(state->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  SHOAL_TRY(state->exec("CREATE TABLE IF NOT EXISTS flags (name TEXT PRIMARY KEY, ts_ns INTEGER "
                        "NOT NULL, origin TEXT NOT NULL, present INTEGER NOT NULL, value TEXT NOT "
                        "NULL, pending INTEGER NOT NULL DEFAULT 0); PRAGMA user_version = 1;"));
  return state;
}

StateDb::~StateDb()
{
  sqlite3_close(m_db);
}

core::Status
StateDb::exec(const char* sql)
{
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    return error("state database");
  return {};
}

core::Error
StateDb::error(const std::string& what) const
{
  return core::make_error(core::Errc::io,
                          what + ": " + (m_db ? sqlite3_errmsg(m_db) : "out of memory"));
}

core::Result<std::optional<StateDb::Version>>
StateDb::get(std::string_view name)
{
  std::lock_guard lock(m_mutex);
  Stmt s(m_db, "SELECT ts_ns, origin, present, value FROM flags WHERE name = ?1");
  if (!s.ok())
    return error("state database");
  s.text(1, name);
  int rc = sqlite3_step(s.get());
  if (rc == SQLITE_DONE)
    return std::optional<Version>();
  if (rc != SQLITE_ROW)
    return error("state database");
  return std::optional<Version>(version_of(s, 0));
}

core::Status
StateDb::record(const Update& u, std::uint64_t pending)
{
  std::lock_guard lock(m_mutex);
  return record_locked(u, pending);
}

core::Status
StateDb::record_locked(const Update& u, std::uint64_t pending)
{
  Stmt s(m_db, "INSERT INTO flags (name, ts_ns, origin, present, value, pending) VALUES (?1, ?2, "
               "?3, ?4, ?5, ?6) ON CONFLICT(name) DO UPDATE SET ts_ns = excluded.ts_ns, origin = "
               "excluded.origin, present = excluded.present, value = excluded.value, pending = "
               "excluded.pending");
  if (!s.ok())
    return error("state database");
  s.text(1, u.name);
  s.integer(2, static_cast<std::int64_t>(u.ts_ns));
  s.text(3, u.origin);
  s.integer(4, u.op == Op::set ? 1 : 0);
  s.text(5, u.op == Op::set ? std::string_view(u.value) : std::string_view("")); // not NULL
  s.integer(6, static_cast<std::int64_t>(pending));
  if (sqlite3_step(s.get()) != SQLITE_DONE)
    return error("state database");
  return {};
}

core::Status
StateDb::record_all(const std::vector<Update>& updates, const std::vector<std::uint64_t>& pending)
{
  if (updates.empty())
    return {};
  std::lock_guard lock(m_mutex);
  SHOAL_TRY(exec("BEGIN"));
  for (std::size_t i = 0; i < updates.size(); ++i) {
    if (auto ok = record_locked(updates[i], i < pending.size() ? pending[i] : 0); !ok) {
      static_cast<void>(exec("ROLLBACK")); // the error to report is the first one
      return ok;
    }
  }
  return exec("COMMIT");
}

core::Status
StateDb::forget(std::string_view name)
{
  std::lock_guard lock(m_mutex);
  Stmt s(m_db, "DELETE FROM flags WHERE name = ?1");
  if (!s.ok())
    return error("state database");
  s.text(1, name);
  if (sqlite3_step(s.get()) != SQLITE_DONE)
    return error("state database");
  return {};
}

core::Status
StateDb::mark_durable(std::uint64_t up_to)
{
  std::lock_guard lock(m_mutex);
  Stmt s(m_db, "UPDATE flags SET pending = 0 WHERE pending BETWEEN 1 AND ?1");
  if (!s.ok())
    return error("state database");
  s.integer(1, static_cast<std::int64_t>(up_to));
  if (sqlite3_step(s.get()) != SQLITE_DONE)
    return error("state database");
  return {};
}

core::Result<std::vector<std::pair<std::string, StateDb::Version>>>
StateDb::all()
{
  return select("SELECT name, ts_ns, origin, present, value FROM flags ORDER BY name");
}

core::Result<std::vector<std::pair<std::string, StateDb::Version>>>
StateDb::pending()
{
  return select(
      "SELECT name, ts_ns, origin, present, value FROM flags WHERE pending != 0 ORDER BY name");
}

core::Result<std::vector<std::pair<std::string, StateDb::Version>>>
StateDb::select(const char* sql)
{
  std::lock_guard lock(m_mutex);
  Stmt s(m_db, sql);
  if (!s.ok())
    return error("state database");
  std::vector<std::pair<std::string, Version>> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    out.emplace_back(s.column_text(0), version_of(s, 1));
  if (rc != SQLITE_DONE)
    return error("state database");
  return out;
}

} // namespace shoal::odsrpcsync
