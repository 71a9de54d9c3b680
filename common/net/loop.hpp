// The libuv event loop and its small handles: Timer, Signal, Work.
// libuv's contract holds throughout: when a call that takes a callback fails, the callback
// never runs. Handles are heap-pinned and freed in their close callback; no exception ever
// crosses a libuv callback (trampolines catch, log and carry on).
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>

namespace shoal::net {

// Owns a uv_loop_t. The destructor closes every handle still open and runs the loop until
// they are gone, so a Loop never leaks handles.
class Loop
{
public:
  Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  ~Loop();

  uv_loop_t* get() { return &m_loop; }
  // Runs until there is nothing left to do or stop() is called.
  void run();
  // Makes run() return after the current iteration.
  void stop();
  // Milliseconds of the loop's cached clock.
  std::uint64_t now() { return uv_now(&m_loop); }

private:
  uv_loop_t m_loop{};
};

// A one-shot or repeating timer. Destroying the Timer stops it and releases the handle.
class Timer
{
public:
  explicit Timer(Loop& loop);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  // Calls fn after timeout_ms, then every repeat_ms if repeat_ms > 0. Restarts a running timer.
  void start(std::uint64_t timeout_ms, std::uint64_t repeat_ms, std::function<void()> fn);
  void stop();
  bool active() const;
  // Keeps the loop from waiting on this timer alone (for periodic housekeeping).
  void unref();

private:
  struct State;
  State* m_state;
};

// Calls fn on the loop each time the process receives signum.
class Signal
{
public:
  Signal(Loop& loop, int signum, std::function<void()> fn);
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;
  ~Signal();
  void unref();

private:
  struct State;
  State* m_state;
};

// Wakes the loop from another thread: send() may be called from any thread, fn runs on the
// loop (several sends before it runs give one call).
class Async
{
public:
  Async(Loop& loop, std::function<void()> fn);
  Async(const Async&) = delete;
  Async& operator=(const Async&) = delete;
  ~Async();
  void send();

private:
  struct State;
  State* m_state;
};

// Calls fn once per loop iteration, just before the loop waits for I/O: the place to hand
// over what the iteration's callbacks gathered, once for all of them. Does not keep the
// loop alive.
class Prepare
{
public:
  Prepare(Loop& loop, std::function<void()> fn);
  Prepare(const Prepare&) = delete;
  Prepare& operator=(const Prepare&) = delete;
  ~Prepare();

private:
  struct State;
  State* m_state;
};

// Runs work() on libuv's thread pool, then after() on the loop. work() must not touch loop
// state; after() runs even if the loop is stopping (it is how results come back).
void queue_work(Loop& loop, std::function<void()> work, std::function<void()> after);

// Ignores SIGPIPE (writes to closed sockets return EPIPE instead of killing the daemon).
void ignore_sigpipe();

} // namespace shoal::net
