// Watcher: one inotify instance, one watch on the directory, read whole batches of events when
// libuv says the descriptor is readable.
#include "watcher.hpp"

#include "flag_name.hpp"

#include "core/log.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace shoal::odsrpcsync {

namespace {

// A write that completes (close after writing), a rename in or out, a removal, a touch. Not
// IN_CREATE or IN_MODIFY: a flag being written is read once it is closed, never half-written.
constexpr std::uint32_t watch_mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                     IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

} // namespace

struct Watcher::State {
  uv_poll_t poll{};
  int fd = -1;
  Watcher* owner = nullptr; // null once the watcher is gone
};

Watcher::Watcher(net::Loop& loop,
                 std::string dir,
                 NameCallback on_name,
                 OverflowCallback on_overflow)
    : m_loop(loop), m_dir(std::move(dir)), m_on_name(std::move(on_name)),
      m_on_overflow(std::move(on_overflow))
{
}

Watcher::~Watcher()
{
  if (!m_state)
    return;
  m_state->owner = nullptr;
  uv_poll_stop(&m_state->poll);
  uv_close(reinterpret_cast<uv_handle_t*>(&m_state->poll), [](uv_handle_t* h) {
    auto* s = static_cast<State*>(h->data);
    close(s->fd);
    delete s;
  });
}

core::Status
Watcher::start()
{
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0)
    return core::sys_error("inotify_init1", errno);
  if (inotify_add_watch(fd, m_dir.c_str(), watch_mask) < 0) {
    int err = errno;
    close(fd);
    return core::sys_error("cannot watch " + m_dir, err);
  }
  auto* s = new State;
  s->fd = fd;
  s->owner = this;
  s->poll.data = s;
  if (int rc = uv_poll_init(m_loop.get(), &s->poll, fd); rc != 0) {
    close(fd);
    delete s;
    return core::make_error(core::Errc::io, std::string("uv_poll_init: ") + uv_strerror(rc));
  }
  m_state = s;
  uv_poll_start(&s->poll, UV_READABLE, [](uv_poll_t* p, int, int) {
    auto* st = static_cast<State*>(p->data);
    if (st->owner)
      st->owner->on_readable();
  });
  return {};
}

void
Watcher::on_readable()
{
  alignas(inotify_event) char buf[64 * 1024];
  for (;;) {
    ssize_t n = read(m_state->fd, buf, sizeof buf);
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR)
        core::log_error("reading inotify events of {}: {}", m_dir, std::strerror(errno));
      return;
    }
    for (ssize_t off = 0; off < n;) {
      auto* ev = reinterpret_cast<inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {
        ++m_overflows;
        m_on_overflow();
      } else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
        core::log_error("{} was removed or moved away: no more changes are seen", m_dir);
      } else if (ev->len > 0) {
        std::string name(ev->name); // NUL-padded to len
        if (valid_flag_name(name))
          m_on_name(name);
      }
    }
  }
}

} // namespace shoal::odsrpcsync
