// A background thread for slow file-system work the loop thread must not wait for: unlinking
// large files (an old journal of 64 MiB takes ext4 tens of milliseconds) and punching large
// holes. Jobs run in the order they were posted.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace shoal::queuenode {

// Runs posted jobs on its own thread. Errors are logged. Not movable.
class Housekeeper
{
public:
  Housekeeper();
  Housekeeper(const Housekeeper&) = delete;
  Housekeeper& operator=(const Housekeeper&) = delete;
  // Runs the jobs still queued, then stops the thread.
  ~Housekeeper();

  // Unlinks path (a missing file is not an error).
  void remove(std::string path);

  // Punches [offset, offset + length) of the file open as fd (keeping its size), then closes
  // fd; the caller passes a dup of its descriptor. path is for the log.
  void punch(int fd, std::uint64_t offset, std::uint64_t length, std::string path);

  // Runs job on the thread.
  void post(std::function<void()> job);

  // Blocks until every job posted so far has run.
  void wait_idle();

private:
  void run();

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::condition_variable m_idle;
  std::deque<std::function<void()>> m_jobs; // guarded
  bool m_busy = false;                      // guarded: a job is running
  bool m_stop = false;                      // guarded
  std::thread m_thread;
};

} // namespace shoal::queuenode
