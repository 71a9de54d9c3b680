// The sizeinfo file: two little-endian u64.
#include "size_info.hpp"

#include "core/bytes.hpp"
#include "store/atomic_file.hpp"

namespace shoal::logfilesnode {

std::optional<ChannelSize>
read_size_info(const std::string& channel_dir)
{
  auto bytes = store::read_file(channel_dir + "/" + size_info_file, 64);
  if (!bytes || bytes->size() != 16)
    return std::nullopt;
  return ChannelSize{core::load_le<std::uint64_t>(bytes->data()),
                     core::load_le<std::uint64_t>(bytes->data() + 8)};
}

core::Status
write_size_info(const std::string& channel_dir, const ChannelSize& size)
{
  std::string bytes;
  core::append_le<std::uint64_t>(bytes, size.records);
  core::append_le<std::uint64_t>(bytes, size.bytes);
  return store::write_file_atomic(channel_dir + "/" + size_info_file, bytes);
}

} // namespace shoal::logfilesnode
