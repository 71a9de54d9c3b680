// Watcher: inotify on the flag directory, on the loop. It reports the names of flags that may
// have changed (written and closed, renamed in or out, removed, touched); the caller reads the
// file and decides. Hidden and temporary files, and names that are not flags, are not
// reported. When the kernel's event queue overflowed, events were lost: on_overflow asks for a
// rescan of the whole directory.
#pragma once

#include "core/result.hpp"
#include "net/loop.hpp"

#include <functional>
#include <string>

namespace shoal::odsrpcsync {

class Watcher
{
public:
  using NameCallback = std::function<void(const std::string& name)>;
  using OverflowCallback = std::function<void()>;

  Watcher(net::Loop& loop, std::string dir, NameCallback on_name, OverflowCallback on_overflow);
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  ~Watcher();

  // Starts watching; fails when the directory cannot be watched (missing, no permission, the
  // inotify watch limit).
  core::Status start();

  std::uint64_t overflows() const { return m_overflows; }

private:
  struct State;
  void on_readable();

  net::Loop& m_loop;
  std::string m_dir;
  NameCallback m_on_name;
  OverflowCallback m_on_overflow;
  State* m_state = nullptr; // the inotify fd and its uv_poll_t; freed in the close callback
  std::uint64_t m_overflows = 0;
};

} // namespace shoal::odsrpcsync
