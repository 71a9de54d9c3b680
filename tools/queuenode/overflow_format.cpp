// Overflow file header and record checksums.
#include "overflow_format.hpp"

#include "core/bytes.hpp"
#include "core/crc32c.hpp"
#include "store/file_io.hpp"

namespace shoal::queuenode {

using core::append_le;
using core::crc32c;
using core::load_le;
using core::store_le;
using store::damaged;

namespace {
constexpr std::string_view magic = "SHOALQOF";
}

std::string
encode_overflow_header(const OverflowHeader& header)
{
  std::string out(magic);
  append_le<std::uint32_t>(out, overflow_version);
  append_le<std::uint32_t>(out, 0);
  append_le<std::uint64_t>(out, header.file_id);
  append_le<std::uint32_t>(out, crc32c(out));
  append_le<std::uint32_t>(out, 0);
  return out + encode_overflow_mutable(header.start, header.flags);
}

std::string
encode_overflow_mutable(std::uint64_t start, std::uint64_t flags)
{
  std::string out;
  append_le<std::uint64_t>(out, start);
  append_le<std::uint64_t>(out, ~start);
  append_le<std::uint64_t>(out, flags);
  append_le<std::uint64_t>(out, ~flags);
  return out;
}

core::Result<OverflowHeader>
decode_overflow_header(std::string_view bytes, const std::string& path)
{
  if (bytes.size() < overflow_header_size)
    return damaged(path, 0, "shorter than an overflow file header");
  if (bytes.substr(0, 8) != magic)
    return damaged(path, 0, "not an overflow file (bad magic)");
  auto version = load_le<std::uint32_t>(bytes.data() + 8);
  if (version != overflow_version)
    return damaged(path, 8,
                   "overflow format version " + std::to_string(version) +
                       " is not supported (this build reads version " +
                       std::to_string(overflow_version) + ")");
  if (load_le<std::uint32_t>(bytes.data() + 24) != crc32c(bytes.substr(0, 24)))
    return damaged(path, 24, "header checksum mismatch");
  OverflowHeader header;
  header.file_id = load_le<std::uint64_t>(bytes.data() + 16);
  header.start = load_le<std::uint64_t>(bytes.data() + 32);
  header.flags = load_le<std::uint64_t>(bytes.data() + 48);
  if (load_le<std::uint64_t>(bytes.data() + 40) != ~header.start ||
      load_le<std::uint64_t>(bytes.data() + 56) != ~header.flags)
    return damaged(path, 32, "torn header update (start or flags)");
  if (header.start < overflow_header_size)
    return damaged(path, 32, "start offset inside the header");
  return header;
}

std::uint32_t
overflow_record_crc(std::string_view payload)
{
  char size[4];
  store_le<std::uint32_t>(size, static_cast<std::uint32_t>(payload.size()));
  return crc32c(payload, crc32c(std::string_view(size, 4)));
}

} // namespace shoal::queuenode
