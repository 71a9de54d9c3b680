// Loop, Timer, Signal and queue_work: thin RAII over libuv with the close protocol of uvw.
#include "net/loop.hpp"

#include "core/log.hpp"

#include <csignal>
#include <cstdlib>

namespace shoal::net {

namespace {
// Runs a user callback; an exception escaping it must not unwind through libuv's C frames.
void
guarded(const std::function<void()>& fn, const char* where) noexcept
{
  try {
    if (fn)
      fn();
  } catch (const std::exception& e) {
    core::log_error("uncaught exception in {} callback: {}", where, e.what());
  } catch (...) {
    core::log_error("uncaught exception in {} callback", where);
  }
}
} // namespace

Loop::Loop()
{
  if (int rc = uv_loop_init(&m_loop); rc != 0) {
    core::log_error("uv_loop_init: {}", uv_strerror(rc));
    std::abort();
  }
}

Loop::~Loop()
{
  uv_walk(
      &m_loop,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h))
          uv_close(h, nullptr); // owners free pinned state in their own close callbacks
      },
      nullptr);
  uv_run(&m_loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&m_loop) != 0)
    core::log_error("event loop closed with handles still open");
}

void
Loop::run()
{
  uv_run(&m_loop, UV_RUN_DEFAULT);
}

void
Loop::stop()
{
  uv_stop(&m_loop);
}

struct Timer::State {
  uv_timer_t handle{};
  std::function<void()> fn;
};

Timer::Timer(Loop& loop) : m_state(new State)
{
  uv_timer_init(loop.get(), &m_state->handle);
  m_state->handle.data = m_state;
}

Timer::~Timer()
{
  uv_close(reinterpret_cast<uv_handle_t*>(&m_state->handle),
           [](uv_handle_t* h) { delete static_cast<State*>(h->data); });
}

void
Timer::start(std::uint64_t timeout_ms, std::uint64_t repeat_ms, std::function<void()> fn)
{
  m_state->fn = std::move(fn);
  uv_timer_start(
      &m_state->handle,
      [](uv_timer_t* h) {
        auto* state = static_cast<State*>(h->data);
        // Copy: the callback may restart the timer and replace fn while it runs.
        auto fn_copy = state->fn;
        guarded(fn_copy, "timer");
      },
      timeout_ms, repeat_ms);
}

void
Timer::stop()
{
  uv_timer_stop(&m_state->handle);
}

bool
Timer::active() const
{
  return uv_is_active(reinterpret_cast<const uv_handle_t*>(&m_state->handle)) != 0;
}

void
Timer::unref()
{
  uv_unref(reinterpret_cast<uv_handle_t*>(&m_state->handle));
}

struct Signal::State {
  uv_signal_t handle{};
  std::function<void()> fn;
};

Signal::Signal(Loop& loop, int signum, std::function<void()> fn) : m_state(new State)
{
  m_state->fn = std::move(fn);
  uv_signal_init(loop.get(), &m_state->handle);
  m_state->handle.data = m_state;
  uv_signal_start(
      &m_state->handle,
      [](uv_signal_t* h, int) { guarded(static_cast<State*>(h->data)->fn, "signal"); }, signum);
}

Signal::~Signal()
{
  uv_close(reinterpret_cast<uv_handle_t*>(&m_state->handle),
           [](uv_handle_t* h) { delete static_cast<State*>(h->data); });
}

void
Signal::unref()
{
  uv_unref(reinterpret_cast<uv_handle_t*>(&m_state->handle));
}

struct Async::State {
  uv_async_t handle{};
  std::function<void()> fn;
};

Async::Async(Loop& loop, std::function<void()> fn) : m_state(new State)
{
  m_state->fn = std::move(fn);
  uv_async_init(loop.get(), &m_state->handle,
                [](uv_async_t* h) { guarded(static_cast<State*>(h->data)->fn, "async"); });
  m_state->handle.data = m_state;
}

Async::~Async()
{
  uv_close(reinterpret_cast<uv_handle_t*>(&m_state->handle),
           [](uv_handle_t* h) { delete static_cast<State*>(h->data); });
}

void
Async::send()
{
  uv_async_send(&m_state->handle);
}

struct Prepare::State {
  uv_prepare_t handle{};
  std::function<void()> fn;
};

Prepare::Prepare(Loop& loop, std::function<void()> fn) : m_state(new State)
{
  m_state->fn = std::move(fn);
  uv_prepare_init(loop.get(), &m_state->handle);
  m_state->handle.data = m_state;
  uv_prepare_start(&m_state->handle,
                   [](uv_prepare_t* h) { guarded(static_cast<State*>(h->data)->fn, "prepare"); });
  uv_unref(reinterpret_cast<uv_handle_t*>(&m_state->handle));
}

Prepare::~Prepare()
{
  uv_close(reinterpret_cast<uv_handle_t*>(&m_state->handle),
           [](uv_handle_t* h) { delete static_cast<State*>(h->data); });
}

namespace {
struct WorkRequest {
  uv_work_t req{};
  std::function<void()> work;
  std::function<void()> after;
};
} // namespace

void
queue_work(Loop& loop, std::function<void()> work, std::function<void()> after)
{
  auto* w = new WorkRequest{{}, std::move(work), std::move(after)};
  w->req.data = w;
  int rc = uv_queue_work(
      loop.get(), &w->req,
      [](uv_work_t* r) { guarded(static_cast<WorkRequest*>(r->data)->work, "work"); },
      [](uv_work_t* r, int) {
        auto* req = static_cast<WorkRequest*>(r->data);
        guarded(req->after, "after-work");
        delete req;
      });
  if (rc != 0) { // cannot happen with a live loop; run inline rather than lose the work
    guarded(w->work, "work");
    guarded(w->after, "after-work");
    delete w;
  }
}

void
ignore_sigpipe()
{
  std::signal(SIGPIPE, SIG_IGN);
}

} // namespace shoal::net
