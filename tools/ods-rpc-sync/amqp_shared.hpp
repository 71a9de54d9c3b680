// What the RabbitMQ transport's loop thread and its I/O thread share: the outgoing buffer,
// acks and rejects on their way out, events on their way in, the counters - all under one
// mutex - and the eventfd that wakes the I/O thread from poll().
#pragma once

#include "outgoing_buffer.hpp"
#include "transport.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace shoal::odsrpcsync {

// From the I/O thread to the loop thread, in the order things happened.
struct AmqpEvent {
  enum class Kind { delivery, connected, disconnected };
  Kind kind = Kind::delivery;
  std::uint64_t tag = 0; // delivery: the tag for ack()/reject()
  std::string text;      // delivery: the body; disconnected: why
};

// From the loop thread to the I/O thread: an ack or a reject of a delivery.
struct AmqpTagCommand {
  std::uint64_t tag = 0;
  bool reject = false;
};

// Wakes a thread sleeping in poll() on fd() (a non-blocking eventfd).
class Wakeup
{
public:
  Wakeup() : m_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~Wakeup()
  {
    if (m_fd >= 0)
      ::close(m_fd);
  }
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;

  bool ok() const { return m_fd >= 0; }
  int fd() const { return m_fd; }
  void signal()
  {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_fd, &one, sizeof one); // EAGAIN: it is awake already
  }
  void clear()
  {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(m_fd, &count, sizeof count);
  }

private:
  int m_fd;
};

struct AmqpShared {
  explicit AmqpShared(std::size_t buffer_limit) : outgoing(buffer_limit) {}

  std::mutex mutex; // guards everything below but stopping and wakeup
  OutgoingBuffer outgoing;
  std::vector<AmqpTagCommand> tag_commands;
  std::vector<AmqpEvent> events;
  TransportStats stats;

  std::atomic<bool> stopping{false};
  Wakeup wakeup;
};

} // namespace shoal::odsrpcsync
