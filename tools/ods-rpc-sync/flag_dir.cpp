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
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

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

// The permission bits of a file this process creates with mode 0644 (as a new flag gets).
mode_t
fresh_mode()
{
  // umask(2) cannot read the mask without setting it (a race with the other threads' creates);
  // Linux shows it in /proc/self/status.
  static const mode_t mode = [] {
    std::ifstream status("/proc/self/status");
    mode_t mask = 022;
    for (std::string line; std::getline(status, line);)
      if (line.rfind("Umask:", 0) == 0)
        mask = static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8));
    return static_cast<mode_t>(0644 & ~mask);
  }();
  return mode;
}

// True when fd is the only open description of its file. The spare was a flag until the last
// exchange, and a writer that opened that flag just before could still write into it: then
// the spare must not be filled and put in place as another flag. The kernel grants a write
// lease only to a file's sole opener; the lease is dropped at once (and were it broken in
// between, the break would raise SIGURG, which is ignored unless handled).
bool
sole_opener(int fd)
{
  if (::fcntl(fd, F_SETSIG, SIGURG) != 0 || ::fcntl(fd, F_SETLEASE, F_WRLCK) != 0)
    return false; // someone else has it open (or no leases here: a new spare each time)
  ::fcntl(fd, F_SETLEASE, F_UNLCK);
  return true;
}

// Opens the spare for writing, as a new file when the one there cannot be reused: one that
// is not a plain file of ours with a single link (writing into a hard-linked flag's old inode
// would change the other name too), or that someone else holds open.
core::Result<store::Fd>
open_spare(const std::string& path)
{
  {
    auto fd = store::open_file(path, O_WRONLY | O_CREAT | O_NOFOLLOW);
    struct stat st {
    };
    if (fd && ::fstat(fd->get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
        st.st_uid == ::geteuid() && sole_opener(fd->get())) {
      if ((st.st_mode & 07777) != fresh_mode() && ::fchmod(fd->get(), fresh_mode()) != 0)
        return core::sys_error("chmod " + path, errno);
      return fd;
    }
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return core::sys_error("unlink " + path, errno);
  return store::open_file(path, O_WRONLY | O_CREAT | O_EXCL);
}

// Gives the spare the new content and mtime (its data synced when sync is set).
core::Status
fill_spare(const std::string& path, std::string_view value, std::uint64_t mtime_ns, bool sync)
{
  std::string contents = value.empty() ? std::string() : std::string(value) + "\n";
  auto fd = open_spare(path);
  if (!fd)
    return fd.take_error();
  SHOAL_TRY(store::write_at(fd->get(), contents, 0, path));
  SHOAL_TRY(store::truncate_file(fd->get(), contents.size(), path));
  if (sync)
    SHOAL_TRY(store::sync_data(fd->get(), path));
  timespec times[2] = {to_timespec(mtime_ns), to_timespec(mtime_ns)};
  if (::futimens(fd->get(), times) != 0)
    return core::sys_error("futimens " + path, errno);
  return {};
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

core::Status
write_flag(const std::string& dir,
           std::string_view name,
           std::string_view value,
           std::uint64_t mtime_ns,
           bool sync)
{
  if (!valid_flag_name(name)) // never a path out of dir, whatever a caller let through
    return core::make_error(core::Errc::bad_data, "not a flag name: " + std::string(name));
  std::string spare = dir + "/" + std::string(spare_name);
  SHOAL_TRY(fill_spare(spare, value, mtime_ns, sync));
  std::string path = dir + "/" + std::string(name);
  // Over an existing flag the spare is exchanged with it (atomic like a rename): the old
  // content becomes the next spare. A plain rename over a file would also make ext4
  // (auto_da_alloc) write the new data out at once, ~0.7 ms a flag.
  if (::renameat2(AT_FDCWD, spare.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != ENOENT && errno != EINVAL && errno != ENOSYS)
      return core::sys_error("rename " + spare, errno);
    // No flag there yet (or no exchange on this filesystem): a rename; the spare is used up.
    if (::rename(spare.c_str(), path.c_str()) != 0)
      return core::sys_error("rename " + spare, errno);
  }
  return sync ? store::fsync_dir(dir) : core::Status{};
}

core::Status
remove_flag(const std::string& dir, std::string_view name, bool sync_dir)
{
  if (!valid_flag_name(name))
    return core::make_error(core::Errc::bad_data, "not a flag name: " + std::string(name));
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
