// The repair steps: the valid records are re-read with store::BucketReader (skip_damage past
// each damage) and re-encoded with store::append_record_as, which gives back their exact bytes.
#include "repair.hpp"

#include "store/atomic_file.hpp"
#include "store/bucket_reader.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace shoal::logfiles_check {

namespace {

constexpr std::size_t flush_at = 1 << 20;

std::string
dir_of(const std::string& path)
{
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// Owns a file descriptor.
struct Fd {
  int fd = -1;
  ~Fd()
  {
    if (fd >= 0)
      ::close(fd);
  }
};

// Copies the valid records of file into out (flushing to fd as it grows).
core::Status
copy_records(const BucketFile& file,
             store::BucketFormat format,
             Fd& out,
             std::string& buf,
             Repaired& done,
             const std::string& temp)
{
  store::BucketReadOptions opts;
  opts.first_key = file.first_key;
  auto reader = store::BucketReader::open(file.path, opts);
  if (!reader)
    return reader.take_error();
  using Kind = store::BucketReader::Item::Kind;
  for (;;) {
    auto item = reader->next();
    if (!item)
      return item.take_error();
    if (item->kind == Kind::end)
      return {};
    if (item->kind == Kind::damaged) {
      auto skipped = reader->skip_damage();
      if (!skipped)
        return skipped.take_error();
      if (!*skipped)
        return {};
      continue;
    }
    store::append_record_as(format, item->key, item->value, buf);
    ++done.records;
    if (buf.size() >= flush_at) {
      SHOAL_TRY(store::write_all(out.fd, buf, temp));
      done.bytes += buf.size();
      buf.clear();
    }
  }
}

// A copy of path at name, created exclusively, for file systems without hard links.
core::Status
copy_file(const std::string& path, const std::string& name)
{
  std::error_code ec;
  if (!std::filesystem::copy_file(path, name, std::filesystem::copy_options::none, ec))
    return core::make_error(core::Errc::io, "copy " + path + " to " + name + ": " + ec.message());
  Fd fd{::open(name.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0 || ::fsync(fd.fd) != 0)
    return core::sys_error("fsync " + name, errno);
  return {};
}

} // namespace

std::string
repair_refusal(const BucketFile& file, const FileCheck& check)
{
  if (check.verdict == FileCheck::Verdict::unsupported)
    return "unsupported format version";
  if (file.compressed)
    return "compressed (gunzip it, repair, gzip again)";
  return "";
}

std::uint64_t
repaired_size(const FileCheck& check)
{
  if (check.torn)
    return store::bucket_header_size;
  return store::file_header_size(check.format) +
         check.records * store::record_header_size(check.format) + check.value_bytes;
}

core::Result<Repaired>
write_repairing(const BucketFile& file, const FileCheck& check)
{
  Repaired done;
  done.temp_path = file.path + ".repairing";
  struct stat st {
  };
  if (::stat(file.path.c_str(), &st) != 0)
    return core::sys_error("stat " + file.path, errno);
  Fd out{
      ::open(done.temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st.st_mode & 07777)};
  if (out.fd < 0)
    return core::sys_error("create " + done.temp_path, errno);
  store::BucketFormat format = check.torn ? store::BucketFormat::v2 : check.format;
  std::string buf;
  store::append_bucket_header_as(format, buf);
  core::Status copied =
      check.torn ? core::Status{} : copy_records(file, format, out, buf, done, done.temp_path);
  if (copied)
    copied = store::write_all(out.fd, buf, done.temp_path);
  if (copied && ::fsync(out.fd) != 0)
    copied = core::sys_error("fsync " + done.temp_path, errno);
  if (!copied) {
    ::unlink(done.temp_path.c_str());
    return copied.take_error();
  }
  done.bytes += buf.size();
  return done;
}

core::Result<std::string>
keep_original(const std::string& path)
{
  for (int n = 0;; ++n) {
    std::string name = path + ".broken";
    if (n > 0)
      name += fmt::format(".{}", n);
    if (::link(path.c_str(), name.c_str()) == 0) {
      SHOAL_TRY(store::fsync_dir(dir_of(path)));
      return name;
    }
    if (errno == EEXIST)
      continue;
    if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != EMLINK)
      return core::sys_error("link " + path + " to " + name, errno);
    if (std::error_code ec; std::filesystem::exists(name, ec))
      continue;
    SHOAL_TRY(copy_file(path, name));
    SHOAL_TRY(store::fsync_dir(dir_of(path)));
    return name;
  }
}

core::Status
install_repaired(const std::string& path)
{
  std::string temp = path + ".repairing";
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    return core::sys_error("rename " + temp + " to " + path, errno);
  return store::fsync_dir(dir_of(path));
}

core::Result<Repaired>
repair_file(const BucketFile& file, const FileCheck& check)
{
  auto done = write_repairing(file, check);
  if (!done)
    return done;
  auto broken = keep_original(file.path);
  if (!broken) {
    ::unlink(done->temp_path.c_str());
    return broken.take_error();
  }
  done->broken_path = std::move(*broken);
  SHOAL_TRY(install_repaired(file.path));
  return done;
}

} // namespace shoal::logfiles_check
