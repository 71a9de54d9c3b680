// .rq files: writing a ring's image, reading one back straight into ring memory.
#include "rq_file.hpp"

#include "core/bytes.hpp"
#include "store/file_io.hpp"

#include <fcntl.h>

#include <limits>

namespace shoal::queuenode {

using core::append_le;
using core::load_le;
using store::damaged;
using store::file_size;
using store::open_file;
using store::read_exact;

core::Status
write_rq(const ByteRing& ring, store::AtomicFile& out)
{
  if (ring.items() > std::numeric_limits<std::uint32_t>::max())
    return core::make_error(core::Errc::usage,
                            out.final_path() + ": more items than an .rq file can count");
  std::string header;
  append_le<std::uint32_t>(header, static_cast<std::uint32_t>(ring.items()));
  append_le<std::uint64_t>(header, ring.used());
  SHOAL_TRY(out.write(header));
  for (std::string_view run : ring.runs())
    SHOAL_TRY(out.write(run));
  return {};
}

core::Status
save_rq(const ByteRing& ring, const std::string& path)
{
  auto file = store::AtomicFile::create(path, ".tmp", 1 << 20);
  if (!file)
    return file.take_error();
  SHOAL_TRY(write_rq(ring, *file));
  return file->commit();
}

core::Result<std::uint64_t>
read_rq(int fd, std::uint64_t offset, std::uint64_t limit, const std::string& path, ByteRing& ring)
{
  if (limit < rq_header_size)
    return damaged(path, offset, "ring image header runs past the end");
  char header[rq_header_size];
  SHOAL_TRY(read_exact(fd, header, sizeof header, offset, path));
  auto items = load_le<std::uint32_t>(header);
  auto size = load_le<std::uint64_t>(header + 4);
  if (size > limit - rq_header_size)
    return damaged(path, offset,
                   "ring image of " + std::to_string(size) + " bytes runs past the end");
  auto body = ring.prepare_load(size);
  if (!body)
    return body.take_error();
  std::uint64_t body_offset = offset + rq_header_size;
  SHOAL_TRY(read_exact(fd, *body, size, body_offset, path));
  SHOAL_TRY(check_items(std::string_view(*body, size), items, path, body_offset));
  ring.commit_load(size, items);
  return rq_header_size + size;
}

core::Status
load_rq(const std::string& path, ByteRing& ring)
{
  auto fd = open_file(path, O_RDONLY);
  if (!fd)
    return fd.take_error();
  auto size = file_size(fd->get(), path);
  if (!size)
    return size.take_error();
  if (*size == 0) {
    ring.clear();
    return {};
  }
  auto used = read_rq(fd->get(), 0, *size, path, ring);
  if (!used)
    return used.take_error();
  if (*used != *size)
    return damaged(path, *used, std::to_string(*size - *used) + " bytes after the items");
  return {};
}

} // namespace shoal::queuenode
