// Snapshot: fork, dump in the child, reap the child from a polling timer on the loop.
#include "snapshot.hpp"

#include "dump_files.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace shoal::dhtnode {

Snapshot::Snapshot(net::Loop& loop,
                   const Storage& storage,
                   std::string dir,
                   std::function<void(bool, std::uint64_t)> done)
    : m_storage(storage), m_dir(std::move(dir)), m_done(std::move(done)), m_poll(loop)
{
}

Snapshot::~Snapshot()
{
  cancel();
}

bool
Snapshot::start()
{
  if (running())
    return false;
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    core::log_error("cannot start a snapshot dump: fork failed: {}", std::strerror(errno));
    return false;
  }
  if (pid == 0) {
    // The child: never return into the event loop. If the node dies (kill -9), die with it
    // rather than finish a dump nobody waits for.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // libuv's signal handlers write to the parent's signal pipe: a signal to the child must
    // not look like a signal to the node.
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGQUIT})
      std::signal(sig, SIG_DFL);
    if (getppid() != parent)
      _exit(1);
    auto status = dump_all(m_storage, m_dir);
    if (!status)
      core::log_error("snapshot dump failed: {}", status.error().message);
    _exit(status ? 0 : 1);
  }
  m_child = pid;
  m_started_ms = core::now_ms();
  core::log_info("snapshot dump started (pid {})", pid);
  m_poll.start(20, 20, [this] { poll(); });
  return true;
}

void
Snapshot::poll()
{
  int status = 0;
  pid_t r = waitpid(m_child, &status, WNOHANG);
  if (r == 0)
    return;
  m_poll.stop();
  m_child = -1;
  bool ok = r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::uint64_t took = core::now_ms() - m_started_ms;
  if (ok)
    core::log_info("snapshot dump finished in {} ms", took);
  else
    core::log_error("snapshot dump failed (child status {})", status);
  m_done(ok, took);
}

void
Snapshot::cancel()
{
  if (!running())
    return;
  kill(m_child, SIGKILL);
  int status = 0;
  waitpid(m_child, &status, 0);
  m_child = -1;
  m_poll.stop();
  core::log_warn("snapshot dump cancelled");
}

} // namespace shoal::dhtnode
