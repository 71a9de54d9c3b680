// check_file: one pass of store::BucketReader over a file, skip_damage after each damage.
#include "check_file.hpp"

#include "store/bucket_reader.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>

namespace shoal::logfiles_check {

namespace {

// Records between two progress reports.
constexpr std::uint64_t progress_every = 4096;

void
add_damage(FileCheck& check, std::uint64_t offset, std::string kind)
{
  if (check.damage_count++ == 0)
    check.first_damage = Damage{offset, std::move(kind)};
  check.verdict = FileCheck::Verdict::damaged;
}

// A decompression error is damage of the file, not an I/O error of the machine.
bool
is_damage(const core::Error& error)
{
  return error.code == core::Errc::bad_data;
}

// The first bytes of the file (decompressed for ".gz"), to judge its header before the reader
// refuses it: a corrupt gzip stream fails the reader the same way (bad_data) as a new version.
core::Result<store::HeaderCheck>
read_header(const BucketFile& file)
{
  int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return core::make_error(core::Errc::not_found, file.path + ": gone since the walk");
  if (fd < 0)
    return core::sys_error("open " + file.path, errno);
  char head[store::bucket_header_size];
  int got = 0;
  if (file.compressed) {
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
      ::close(fd);
      return core::make_error(core::Errc::io, file.path + ": cannot start gzip decompression");
    }
    got = gzread(gz, head, sizeof head);
    gzclose(gz);
    got = std::max(got, 0); // corrupt data: the reader reports it
  } else {
    ssize_t n = 0;
    do
      n = ::pread(fd, head, sizeof head, 0);
    while (n < 0 && errno == EINTR);
    int saved = errno;
    ::close(fd);
    if (n < 0)
      return core::sys_error("read " + file.path, saved);
    got = static_cast<int>(n);
  }
  auto size = static_cast<std::size_t>(got);
  return store::check_bucket_header(std::string_view(head, size), size < sizeof head);
}

} // namespace

core::Result<FileCheck>
check_file(const BucketFile& file, const ProgressFn& progress)
{
  FileCheck check;
  auto header = read_header(file);
  if (!header)
    return header.take_error();
  if (header->kind == store::HeaderCheck::Kind::unsupported) {
    check.verdict = FileCheck::Verdict::unsupported;
    check.unsupported_why = fmt::format("bucket format version {}", header->version);
    return check;
  }
  store::BucketReadOptions opts;
  opts.first_key = file.first_key;
  auto reader = store::BucketReader::open(file.path, opts);
  if (!reader) {
    if (!is_damage(reader.error()))
      return reader.take_error();
    add_damage(check, 0, "bad compressed data");
    return check;
  }
  check.format = reader->format();
  if (reader->torn()) {
    check.torn = true;
    check.torn_size = reader->offset();
    add_damage(check, 0, fmt::format("torn header ({} bytes)", check.torn_size));
    return check;
  }
  for (;;) {
    auto item = reader->next();
    if (!item) {
      if (!is_damage(item.error()))
        return item.take_error();
      add_damage(check, reader->offset(), "bad compressed data");
      return check;
    }
    using Kind = store::BucketReader::Item::Kind;
    if (item->kind == Kind::end)
      return check;
    if (item->kind == Kind::record) {
      ++check.records;
      check.value_bytes += item->value.size();
      if (progress && check.records % progress_every == 0)
        progress(reader->offset());
      continue;
    }
    add_damage(check, item->offset, std::string(store::record_status_name(item->status)));
    auto skipped = reader->skip_damage();
    if (!skipped) {
      if (!is_damage(skipped.error()))
        return skipped.take_error();
      add_damage(check, reader->offset(), "bad compressed data");
      return check;
    }
    if (!*skipped)
      return check; // nothing valid after the damage
  }
}

std::string
describe_damage(const FileCheck& check)
{
  if (check.damage_count == 0)
    return "clean";
  if (check.torn)
    return check.first_damage.kind;
  std::string text = fmt::format("{} at {}", check.first_damage.kind, check.first_damage.offset);
  if (check.damage_count > 1)
    text += fmt::format(" (+{} more)", check.damage_count - 1);
  return text;
}

} // namespace shoal::logfiles_check
