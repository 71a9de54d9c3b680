// Housekeeper: one thread, a FIFO of jobs.
#include "housekeeper.hpp"

#include "core/log.hpp"
#include "store/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace shoal::queuenode {

using store::remove_file;

Housekeeper::Housekeeper()
{
  m_thread = std::thread([this] { run(); });
}

Housekeeper::~Housekeeper()
{
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_one();
  m_thread.join();
}

void
Housekeeper::remove(std::string path)
{
  post([path = std::move(path)] {
    if (auto s = remove_file(path); !s)
      core::log_error("{}", s.error().message);
  });
}

void
Housekeeper::punch(int fd, std::uint64_t offset, std::uint64_t length, std::string path)
{
  post([=, path = std::move(path)] {
    if (::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(offset),
                    static_cast<off_t>(length)) != 0) {
      int e = errno;
      core::log_error("cannot punch a hole in {}: {}", path, std::strerror(e));
    }
    ::close(fd);
  });
}

void
Housekeeper::wait_idle()
{
  std::unique_lock lock(m_mutex);
  m_idle.wait(lock, [&] { return m_jobs.empty() && !m_busy; });
}

void
Housekeeper::post(std::function<void()> job)
{
  {
    std::lock_guard lock(m_mutex);
    m_jobs.push_back(std::move(job));
  }
  m_wake.notify_one();
}

void
Housekeeper::run()
{
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_wake.wait(lock, [&] { return m_stop || !m_jobs.empty(); });
    if (m_jobs.empty())
      return; // stopping, and nothing left
    auto job = std::move(m_jobs.front());
    m_jobs.pop_front();
    m_busy = true;
    lock.unlock();
    job();
    lock.lock();
    m_busy = false;
    m_idle.notify_all();
  }
}

} // namespace shoal::queuenode
