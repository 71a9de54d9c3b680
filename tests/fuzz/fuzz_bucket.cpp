// libFuzzer target for store::BucketReader: input bytes [0,8) are the bucket's first key, byte 8
// picks plain or gzip, the rest is the file. Reading every record with skip_damage must end,
// never read out of bounds (ASan), always move forward, and hand out only sound records.
#include "store/bucket_format.hpp"
#include "store/bucket_reader.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using shoal::store::BucketReader;

// The file the reader opens: a memfd, reached by its /proc path, and a "*.gz" symlink to it.
struct Files {
  int fd = -1;
  std::string plain;
  std::string gz;

  Files()
  {
    fd = memfd_create("fuzz_bucket", MFD_CLOEXEC);
    if (fd < 0)
      std::abort();
    plain = "/proc/self/fd/" + std::to_string(fd);
    gz = "/tmp/fuzz_bucket-" + std::to_string(getpid()) + ".gz";
    unlink(gz.c_str());
    if (symlink(plain.c_str(), gz.c_str()) != 0)
      std::abort();
  }
  ~Files() { unlink(gz.c_str()); }

  void write(const std::uint8_t* data, std::size_t size) const
  {
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)))
      std::abort();
  }
};

void
read_all(const std::string& path, std::uint64_t first_key, std::size_t size, bool compressed)
{
  shoal::store::BucketReadOptions opts;
  opts.first_key = first_key;
  opts.max_value = 1 << 20;
  opts.buffer_size = 4096; // the reader takes at least 64 KiB: refills happen in big inputs
  auto reader = BucketReader::open(path, opts);
  if (!reader)
    return;
  std::uint64_t last = reader->offset();
  for (;;) {
    auto item = reader->next();
    if (!item || item->kind == BucketReader::Item::Kind::end)
      break;
    if (item->kind == BucketReader::Item::Kind::record) {
      if (item->value.size() > opts.max_value)
        std::abort();
      if (first_key != shoal::store::any_key &&
          (item->key < first_key || item->key - first_key >= 4096))
        std::abort();
    } else {
      auto skipped = reader->skip_damage();
      if (!skipped || !*skipped)
        break;
    }
    if (reader->offset() <= last) // every step moves forward, so the loop ends
      std::abort();
    last = reader->offset();
  }
  if (!compressed && reader->offset() > size)
    std::abort();
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static Files files;
  if (size < 9)
    return 0;
  std::uint64_t first_key = 0;
  std::memcpy(&first_key, data, sizeof first_key);
  bool compressed = data[8] & 1;
  files.write(data + 9, size - 9);
  read_all(compressed ? files.gz : files.plain, first_key, size - 9, compressed);
  return 0;
}
