// Flag files: reading by ods-rpc's rules, atomic writes with the origin's mtime, removal.
#include "flag_dir.hpp"

#include "flag_name.hpp"

#include "store/atomic_file.hpp"
#include "store/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace shoal::odsrpcsync {

namespace {

timespec
to_timespec(std::uint64_t ns)
{
  return {static_cast<time_t>(ns / 1'000'000'000u), static_cast<long>(ns % 1'000'000'000u)};
}

std::uint64_t
mtime_of(const struct stat& st)
{
  return static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
}

} // namespace

core::Result<std::optional<FlagFile>>
read_flag(const std::string& dir, std::string_view name)
{
  std::string path = dir + "/" + std::string(name);
  struct stat st {
  };
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return std::optional<FlagFile>();
    return core::sys_error("stat " + path, errno);
  }
  auto bytes = store::read_file(path, 8192);
  if (!bytes) {
    if (bytes.error().code == core::Errc::not_found) // removed since the stat
      return std::optional<FlagFile>();
    return bytes.take_error();
  }
  FlagFile f;
  f.mtime_ns = mtime_of(st);
  if (!bytes->empty()) {
    if (bytes->back() != '\n' || bytes->find('\n') != bytes->size() - 1)
      return core::make_error(core::Errc::bad_data,
                              path + ": illegal value (not empty, not one line)");
    f.value = bytes->substr(0, bytes->size() - 1);
  }
  return std::optional<FlagFile>(std::move(f));
}

core::Result<std::string>
stage_flag(const std::string& dir,
           std::string_view name,
           std::string_view value,
           std::uint64_t mtime_ns,
           bool sync)
{
  std::string temp = dir + "/." + std::string(name) + ".ods-rpc-sync"; // hidden: not a flag
  std::string contents = value.empty() ? std::string() : std::string(value) + "\n";
  auto fd = store::open_file(temp, O_WRONLY | O_CREAT | O_TRUNC);
  if (!fd)
    return fd.take_error();
  core::Status status = store::write_at(fd->get(), contents, 0, temp);
  if (status && sync)
    status = store::sync_data(fd->get(), temp);
  timespec times[2] = {to_timespec(mtime_ns), to_timespec(mtime_ns)};
  if (status && ::futimens(fd->get(), times) != 0)
    status = core::sys_error("futimens " + temp, errno);
  fd->reset();
  if (!status) {
    ::unlink(temp.c_str());
    return status.error();
  }
  return temp;
}

core::Status
sync_filesystem(const std::string& dir)
{
  auto fd = store::open_file(dir, O_RDONLY | O_DIRECTORY);
  if (!fd)
    return fd.take_error();
  if (::syncfs(fd->get()) != 0)
    return core::sys_error("syncfs " + dir, errno);
  return {};
}

// Over an existing flag, the temporary file is exchanged with it (renameat2 RENAME_EXCHANGE,
// atomic like a rename) and the old content unlinked: a plain rename over an existing file
// makes ext4 (auto_da_alloc) write the new file's data out at once, ~0.7 ms a flag, which
// batches of thousands cannot afford - their durability comes from the sync pass instead.
core::Status
commit_flag(const std::string& dir, const std::string& temp, std::string_view name)
{
  std::string path = dir + "/" + std::string(name);
  if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) == 0) {
    ::unlink(temp.c_str()); // now the old content
    return {};
  }
  if ((errno == ENOENT || errno == EINVAL || errno == ENOSYS) &&
      ::rename(temp.c_str(), path.c_str()) == 0)
    return {}; // no flag there yet (or no exchange on this filesystem): a plain rename
  int err = errno;
  ::unlink(temp.c_str());
  return core::sys_error("rename " + temp, err);
}

core::Status
write_flag(const std::string& dir,
           std::string_view name,
           std::string_view value,
           std::uint64_t mtime_ns,
           bool sync_dir)
{
  auto temp = stage_flag(dir, name, value, mtime_ns, true);
  if (!temp)
    return temp.take_error();
  SHOAL_TRY(commit_flag(dir, *temp, name));
  return sync_dir ? store::fsync_dir(dir) : core::Status{};
}

core::Status
remove_flag(const std::string& dir, std::string_view name, bool sync_dir)
{
  std::string path = dir + "/" + std::string(name);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return core::sys_error("unlink " + path, errno);
  return sync_dir ? store::fsync_dir(dir) : core::Status{};
}

core::Status
set_flag_mtime(const std::string& dir, std::string_view name, std::uint64_t mtime_ns)
{
  std::string path = dir + "/" + std::string(name);
  timespec times[2] = {to_timespec(mtime_ns), to_timespec(mtime_ns)};
  if (::utimensat(AT_FDCWD, path.c_str(), times, 0) != 0 && errno != ENOENT)
    return core::sys_error("utimensat " + path, errno);
  return {};
}

core::Result<std::vector<std::string>>
list_flags(const std::string& dir)
{
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (valid_flag_name(name) && entry.is_regular_file(ec))
      out.push_back(std::move(name));
  }
  if (ec)
    return core::make_error(core::Errc::io, "cannot list " + dir + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace shoal::odsrpcsync
