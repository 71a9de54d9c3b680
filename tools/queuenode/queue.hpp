// One queue: its ring (the oldest records) followed by its overflow file (the newer ones that
// did not fit), so that records leave in push order however they were stored.
#pragma once

#include "byte_ring.hpp"
#include "op_log.hpp"
#include "overflow_file.hpp"
#include "queue_name.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace shoal::queuenode {

// What the queues of one store share. Owned by the store; must not move while queues live.
struct QueueContext {
  std::string dir;                       // where overflow files go
  OverflowParams overflow;               // its disk_used points at overflow_used
  std::uint64_t overflow_limit = 0;      // bytes all overflow files may hold on disk
  std::uint64_t overflow_used = 0;       // bytes they hold now
  bool enforce_limit = true;             // false while a journal is replayed
  OpLog* log = nullptr;                  // durable mode: where changes go
  bool new_files = false;                // an overflow file was created since the last checkpoint
  std::function<void()> on_first_change; // called once, at the first change of any queue
  bool changed = false;
  std::mt19937_64 random{std::random_device{}()}; // overflow file ids

  // Runs on_first_change the first time it is called.
  void note_change()
  {
    if (!changed) {
      changed = true;
      if (on_first_change)
        on_first_change();
    }
  }
};

// What a push did. full: the ring is full and the overflow disk budget is spent (the server
// answers OutOfMemory). failed: a disk or journal write failed (logged; the server answers
// with an error status).
enum class PushStatus { ok, full, failed };

// A push's status and, in durable mode, the journal sequence number to wait for.
struct PushResult {
  PushStatus status = PushStatus::ok;
  std::uint64_t seq = 0;
};

// A FIFO queue of byte strings. While the overflow holds records every push goes there, and
// the ring is refilled from the overflow's head as it drains. Not thread-safe. Not movable
// (the store hands out pointers).
class Queue
{
public:
  Queue(QueueName name, std::uint32_t id, ByteRing ring, QueueContext& context);
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  const QueueName& name() const { return m_name; }
  // "<subscriber>@<channel>" or "<channel>".
  const std::string& full_name() const { return m_full_name; }
  // The id journal entries use.
  std::uint32_t id() const { return m_id; }

  // Appends value: to the ring if the overflow is empty and it fits, else to the overflow.
  PushResult push(std::string_view value);

  // Takes the oldest record into out (a view valid until the next call on this queue or its
  // store); false if the queue is empty. An error means the overflow could not be read. In
  // durable mode the pop's journal entry is Store::appended_seq() right after the call.
  core::Result<bool> pop(std::string_view& out);

  // Takes the oldest record into out (copied); false if the queue is empty.
  core::Result<bool> pop(std::string& out);

  // Takes records while the appended bytes stay within max_bytes (always at least one) and
  // appends each to out as [u64 length][payload]; returns how many (0 if empty). One journal
  // entry covers the batch.
  core::Result<std::size_t>
  pop_batch(std::string& out,
            std::size_t max_bytes,
            std::size_t max_records = std::numeric_limits<std::size_t>::max());

  // Removes every record (the overflow file is cut back, or in durable mode left for the
  // next checkpoint).
  core::Status clear();

  // Records in the queue.
  std::uint64_t records() const;
  // Payload bytes in the queue.
  std::uint64_t bytes() const;
  std::uint64_t memory_records() const { return m_ring.items(); }
  // Ring bytes in use, item headers included (what the capacity limits).
  std::uint64_t memory_bytes() const { return m_ring.used(); }
  std::uint64_t capacity() const { return m_ring.capacity(); }
  // memory_bytes() as a percentage of capacity() (0-100).
  unsigned percent_memory() const;
  std::uint64_t overflow_records() const { return m_overflow ? m_overflow->records() : 0; }
  std::uint64_t overflow_bytes() const { return m_overflow ? m_overflow->bytes() : 0; }

  // For the store: the parts, and housekeeping.
  ByteRing& ring() { return m_ring; }
  const ByteRing& ring() const { return m_ring; }
  OverflowFile* overflow() { return m_overflow ? &*m_overflow : nullptr; }
  const OverflowFile* overflow() const { return m_overflow ? &*m_overflow : nullptr; }
  // Gives the queue an overflow file (at start-up).
  void attach_overflow(OverflowFile file) { m_overflow.emplace(std::move(file)); }
  // Deletes the overflow file (it must be empty, or the queue is going away).
  core::Status drop_overflow();
  // Moves records from the overflow's head into the ring while they fit; reclaims disk.
  core::Status settle();
  // Drops count records without logging (journal replay); bad_data if there are fewer.
  core::Status discard(std::uint64_t count);

private:
  core::Result<bool> peek(std::string_view& out);
  void drop_front();
  PushStatus push_overflow(std::string_view value);

  QueueName m_name;
  std::string m_full_name;
  std::uint32_t m_id;
  ByteRing m_ring;
  std::optional<OverflowFile> m_overflow;
  QueueContext& m_ctx;
};

} // namespace shoal::queuenode
