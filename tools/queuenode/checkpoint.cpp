// Checkpoint files: writer and section reader.
#include "checkpoint.hpp"

#include "rq_file.hpp"

#include "core/bytes.hpp"
#include "core/crc32c.hpp"
#include "store/atomic_file.hpp"

#include <fcntl.h>

#include <limits>

namespace shoal::queuenode {

using core::append_le;
using core::crc32c;
using core::load_le;
using store::damaged;
using store::file_size;
using store::open_file;
using store::read_exact;

namespace {

constexpr std::string_view magic = "SHOALQCP";

// The .rq image header of ring.
std::string
ring_header(const ByteRing& ring)
{
  std::string out;
  append_le<std::uint32_t>(out, static_cast<std::uint32_t>(ring.items()));
  append_le<std::uint64_t>(out, ring.used());
  return out;
}

std::uint32_t
ring_crc(const ByteRing& ring)
{
  std::uint32_t crc = crc32c(ring_header(ring));
  for (std::string_view run : ring.runs())
    crc = crc32c(run, crc);
  return crc;
}

std::string
section_header(const CheckpointQueue& queue)
{
  std::string out;
  append_le<std::uint32_t>(out, queue.id);
  append_le<std::uint16_t>(out, static_cast<std::uint16_t>(queue.name->size()));
  out += *queue.name;
  out += static_cast<char>(queue.overflow ? 1 : 0);
  if (const auto& o = queue.overflow) {
    for (std::uint64_t v : {o->file_id, o->read, o->end, o->records, o->bytes})
      append_le<std::uint64_t>(out, v);
  }
  append_le<std::uint32_t>(out, ring_crc(*queue.ring));
  append_le<std::uint32_t>(out, crc32c(out));
  return out;
}

} // namespace

core::Status
write_checkpoint(const std::string& path,
                 std::uint64_t generation,
                 std::uint64_t next_seq,
                 const std::vector<CheckpointQueue>& queues)
{
  if (queues.size() > std::numeric_limits<std::uint32_t>::max())
    return core::make_error(core::Errc::usage, path + ": too many queues");
  auto file = store::AtomicFile::create(path, ".tmp", 4 << 20);
  if (!file)
    return file.take_error();
  std::string header(magic);
  append_le<std::uint32_t>(header, checkpoint_version);
  append_le<std::uint32_t>(header, static_cast<std::uint32_t>(queues.size()));
  append_le<std::uint64_t>(header, generation);
  append_le<std::uint64_t>(header, next_seq);
  append_le<std::uint32_t>(header, 0);
  append_le<std::uint32_t>(header, crc32c(header));
  SHOAL_TRY(file->write(header));
  for (const CheckpointQueue& queue : queues) {
    SHOAL_TRY(file->write(section_header(queue)));
    SHOAL_TRY(write_rq(*queue.ring, *file));
  }
  return file->commit();
}

core::Result<CheckpointReader>
CheckpointReader::open(const std::string& path)
{
  auto fd = open_file(path, O_RDONLY);
  if (!fd)
    return fd.take_error();
  auto size = file_size(fd->get(), path);
  if (!size)
    return size.take_error();
  CheckpointReader reader(path, std::move(*fd), *size);
  char header[checkpoint_header_size];
  SHOAL_TRY(reader.read(header, sizeof header));
  std::string_view h(header, sizeof header);
  if (h.substr(0, 8) != magic)
    return damaged(path, 0, "not a checkpoint (bad magic)");
  if (load_le<std::uint32_t>(header + 8) != checkpoint_version)
    return damaged(path, 8, "unsupported checkpoint version");
  if (load_le<std::uint32_t>(header + 36) != crc32c(h.substr(0, 36)))
    return damaged(path, 36, "checkpoint header checksum mismatch");
  reader.m_left = load_le<std::uint32_t>(header + 12);
  reader.m_generation = load_le<std::uint64_t>(header + 16);
  reader.m_next_seq = load_le<std::uint64_t>(header + 24);
  return reader;
}

core::Status
CheckpointReader::read(char* dst, std::size_t n)
{
  SHOAL_TRY(read_exact(m_fd.get(), dst, n, m_pos, m_path));
  m_pos += n;
  return {};
}

core::Result<bool>
CheckpointReader::next(CheckpointSection& out)
{
  if (m_left == 0) {
    if (m_pos != m_size)
      return damaged(m_path, m_pos, "bytes after the last queue");
    return false;
  }
  std::uint64_t start = m_pos;
  std::string header(6, '\0');
  SHOAL_TRY(read(header.data(), 6));
  auto name_size = load_le<std::uint16_t>(header.data() + 4);
  header.resize(6 + name_size + 1);
  SHOAL_TRY(read(header.data() + 6, name_size + 1));
  bool has_overflow = header.back() != 0;
  std::size_t rest = (has_overflow ? 40 : 0) + 8;
  header.resize(header.size() + rest);
  SHOAL_TRY(read(header.data() + header.size() - rest, rest));
  std::size_t crc_at = header.size() - 4;
  if (load_le<std::uint32_t>(header.data() + crc_at) !=
      crc32c(std::string_view(header.data(), crc_at)))
    return damaged(m_path, start, "queue section checksum mismatch");
  out.id = load_le<std::uint32_t>(header.data());
  out.name = header.substr(6, name_size);
  out.overflow.reset();
  if (has_overflow) {
    const char* p = header.data() + 6 + name_size + 1;
    out.overflow = OverflowState{load_le<std::uint64_t>(p), load_le<std::uint64_t>(p + 8),
                                 load_le<std::uint64_t>(p + 16), load_le<std::uint64_t>(p + 24),
                                 load_le<std::uint64_t>(p + 32)};
  }
  m_ring_crc = load_le<std::uint32_t>(header.data() + crc_at - 4);
  --m_left;
  return true;
}

core::Status
CheckpointReader::read_ring(ByteRing& ring)
{
  auto used = read_rq(m_fd.get(), m_pos, m_size - m_pos, m_path, ring);
  if (!used)
    return used.take_error();
  if (ring_crc(ring) != m_ring_crc)
    return damaged(m_path, m_pos, "ring image checksum mismatch");
  m_pos += *used;
  return {};
}

} // namespace shoal::queuenode
