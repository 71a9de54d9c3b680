// The journal as a queue sees it: in durable mode every change of a queue is reported here
// and gets a sequence number that the sync thread later declares durable.
#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::queuenode {

// Receives the changes of queues (durable mode). Called on the loop thread only.
class OpLog
{
public:
  virtual ~OpLog() = default;

  // False while changes cannot be logged (a journal write failed): queues refuse pushes then.
  virtual bool writable() const = 0;

  // Logs a push of value to queue; returns the entry's sequence number.
  virtual std::uint64_t log_push(std::uint32_t queue, std::string_view value) = 0;

  // Logs that count records were popped from queue; returns the entry's sequence number.
  virtual std::uint64_t log_pop(std::uint32_t queue, std::uint64_t count) = 0;

  // Logs that queue was emptied; returns the entry's sequence number.
  virtual std::uint64_t log_clear(std::uint32_t queue) = 0;
};

} // namespace shoal::queuenode
