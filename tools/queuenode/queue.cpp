// Queue: push to ring or overflow, pop in order, refill the ring from the overflow's head.
#include "queue.hpp"

#include "data_dir.hpp"
#include "overflow_format.hpp"

#include "core/bytes.hpp"
#include "core/log.hpp"

#include <cerrno>

namespace shoal::queuenode {

using core::append_le;

Queue::Queue(QueueName name, std::uint32_t id, ByteRing ring, QueueContext& context)
    : m_name(std::move(name)), m_full_name(m_name.full()), m_id(id), m_ring(std::move(ring)),
      m_ctx(context)
{
}

PushResult
Queue::push(std::string_view value)
{
  if (m_ctx.log && !m_ctx.log->writable())
    return {PushStatus::failed, 0};
  if (overflow_records() == 0 && m_ring.fits(value.size())) {
    m_ctx.note_change();
    m_ring.push(value);
  } else if (auto status = push_overflow(value); status != PushStatus::ok) {
    return {status, 0};
  }
  return {PushStatus::ok, m_ctx.log ? m_ctx.log->log_push(m_id, value) : 0};
}

PushStatus
Queue::push_overflow(std::string_view value)
{
  std::uint64_t size = OverflowFile::record_size(value.size());
  if (!m_overflow)
    size += overflow_header_size; // a new file's header
  if (m_ctx.enforce_limit &&
      (size > m_ctx.overflow_limit || m_ctx.overflow_used > m_ctx.overflow_limit - size))
    return PushStatus::full;
  m_ctx.note_change();
  if (!m_overflow) {
    std::uint64_t id = m_ctx.random();
    auto file = OverflowFile::create(overflow_path(m_ctx.dir, m_full_name, id), id, m_ctx.overflow);
    if (!file) {
      core::log_error("queue {}: {}", m_full_name, file.error().message);
      return PushStatus::failed;
    }
    m_overflow.emplace(std::move(*file));
    m_ctx.new_files = true;
  }
  if (auto s = m_overflow->append(value); !s) {
    core::log_error("queue {}: {}", m_full_name, s.error().message);
    return PushStatus::failed;
  }
  return PushStatus::ok;
}

core::Result<bool>
Queue::pop(std::string_view& out)
{
  auto found = peek(out);
  if (!found || !*found)
    return found;
  m_ctx.note_change();
  drop_front();
  if (m_ctx.log)
    m_ctx.log->log_pop(m_id, 1);
  return true;
}

core::Result<bool>
Queue::pop(std::string& out)
{
  std::string_view view;
  auto found = pop(view);
  if (found && *found)
    out.assign(view);
  return found;
}

core::Result<std::size_t>
Queue::pop_batch(std::string& out, std::size_t max_bytes, std::size_t max_records)
{
  std::size_t start = out.size();
  std::size_t n = 0;
  core::Status failure;
  while (n < max_records) {
    std::string_view value;
    auto found = peek(value);
    if (!found)
      failure = found.take_error();
    if (!found || !*found)
      break;
    if (n > 0 && out.size() - start + ByteRing::item_size(value.size()) > max_bytes)
      break;
    if (n == 0)
      m_ctx.note_change();
    append_le<std::uint64_t>(out, value.size());
    out.append(value);
    drop_front();
    ++n;
  }
  if (n > 0 && m_ctx.log)
    m_ctx.log->log_pop(m_id, n);
  if (n == 0 && !failure)
    return failure.take_error();
  return n; // a read error after some records shows again at the next call
}

core::Result<bool>
Queue::peek(std::string_view& out)
{
  SHOAL_TRY(settle());
  if (!m_ring.empty()) {
    out = m_ring.front();
    return true;
  }
  if (!m_overflow || m_overflow->empty())
    return false;
  auto value = m_overflow->front(); // a record too large for the ring
  if (!value)
    return value.take_error();
  out = *value;
  return true;
}

void
Queue::drop_front()
{
  if (!m_ring.empty())
    m_ring.pop();
  else
    m_overflow->pop_front();
}

core::Status
Queue::settle()
{
  if (!m_overflow)
    return {};
  if (!m_overflow->empty() || m_overflow->disk_bytes() > overflow_header_size)
    m_ctx.note_change(); // before the files change (the saved state stops being current)
  while (!m_overflow->empty()) {
    auto value = m_overflow->front();
    if (!value)
      return value.take_error();
    if (!m_ring.push(*value))
      break;
    m_overflow->pop_front();
  }
  return m_overflow->reclaim();
}

core::Status
Queue::clear()
{
  m_ctx.note_change();
  m_ring.clear();
  if (m_overflow)
    SHOAL_TRY(m_overflow->clear());
  if (m_ctx.log)
    m_ctx.log->log_clear(m_id);
  return {};
}

core::Status
Queue::discard(std::uint64_t count)
{
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string_view value;
    auto found = peek(value);
    if (!found)
      return found.take_error();
    if (!*found)
      return core::make_error(core::Errc::bad_data, "queue " + m_full_name + ": " +
                                                        std::to_string(count - i) +
                                                        " more pops than records");
    drop_front();
  }
  return {};
}

core::Status
Queue::drop_overflow()
{
  if (!m_overflow)
    return {};
  auto s = m_overflow->remove();
  m_overflow.reset();
  return s;
}

std::uint64_t
Queue::records() const
{
  return m_ring.items() + overflow_records();
}

std::uint64_t
Queue::bytes() const
{
  return m_ring.value_bytes() + overflow_bytes();
}

unsigned
Queue::percent_memory() const
{
  if (m_ring.capacity() == 0)
    return 0;
  return static_cast<unsigned>(m_ring.used() * 100 / m_ring.capacity());
}

} // namespace shoal::queuenode
