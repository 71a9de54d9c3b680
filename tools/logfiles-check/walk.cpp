// The walk over channel directories: std::filesystem with error codes (no exceptions), names
// judged by store::parse_slot_name / parse_bucket_name, results sorted by key.
#include "walk.hpp"

#include "store/bucket_layout.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace shoal::logfiles_check {

namespace fs = std::filesystem;

namespace {

core::Error
fs_error(const std::string& what, const std::string& path, const std::error_code& ec)
{
  if (ec == std::errc::no_such_file_or_directory)
    return core::make_error(core::Errc::not_found, path + ": no such file or directory");
  return core::make_error(core::Errc::io, what + " " + path + ": " + ec.message());
}

std::string
join(const std::string& dir, const std::string& name)
{
  if (dir.empty() || dir.back() == '/')
    return dir + name;
  return dir + "/" + name;
}

// The names in dir, sorted; an error if it cannot be read.
core::Result<std::vector<fs::directory_entry>>
list_dir(const std::string& dir)
{
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec)
    return fs_error("read directory", dir, ec);
  std::vector<fs::directory_entry> entries;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec)
      break;
    entries.push_back(*it);
  }
  if (ec)
    return fs_error("read directory", dir, ec);
  return entries;
}

bool
ignored(const std::string& name)
{
  return name.find('.') != std::string::npos || name == "sizeinfo";
}

void
stray(Channel& channel, const std::string& path, const char* what)
{
  ++channel.strays;
  channel.warnings.push_back(path + ": " + what + ", skipped");
}

// Adds the bucket files of one slot directory to channel.
core::Status
walk_slot(Channel& channel,
          const std::string& dir,
          const std::string& slot,
          const WalkOptions& opts)
{
  auto entries = list_dir(dir);
  if (!entries)
    return entries.take_error();
  std::vector<BucketFile> found;
  for (const auto& e : *entries) {
    std::string name = e.path().filename().string();
    std::string path = join(dir, name);
    bool gz = name.size() == store::bucket_name_digits + 3 && name.ends_with(".gz");
    std::string bucket = gz ? name.substr(0, store::bucket_name_digits) : name;
    auto key = store::parse_bucket_name(slot, bucket);
    std::error_code ec;
    bool regular = e.is_regular_file(ec);
    if (!key || !regular) {
      if (!ignored(name) || (gz && !key))
        stray(channel, path, regular ? "not a bucket file name (3 hex digits)" : "not a file");
      continue;
    }
    std::uint64_t size = e.file_size(ec);
    if (gz && !opts.gz) {
      ++channel.gz_skipped;
      channel.gz_skipped_bytes += size;
      continue;
    }
    found.push_back(BucketFile{path, *key, size, gz});
  }
  std::sort(found.begin(), found.end(), [](const BucketFile& a, const BucketFile& b) {
    return a.first_key != b.first_key ? a.first_key < b.first_key : a.compressed < b.compressed;
  });
  channel.files.insert(channel.files.end(), found.begin(), found.end());
  return {};
}

// A channel of the one bucket file at path.
core::Result<Channel>
single_file(const std::string& path)
{
  std::error_code ec;
  fs::path p = fs::absolute(path, ec).lexically_normal(); // "0e1" inside its slot directory
  std::string name = p.filename().string();
  std::string slot = p.parent_path().filename().string();
  bool gz = name.ends_with(".gz");
  auto key = store::parse_bucket_name(slot, gz ? name.substr(0, name.size() - 3) : name);
  if (!key)
    return core::make_error(core::Errc::usage,
                            path + ": not a bucket file (<slot: 10 hex digits>/<bucket: 3 hex "
                                   "digits>) nor a channel directory");
  std::uint64_t size = fs::file_size(p, ec);
  if (ec)
    return fs_error("stat", path, ec);
  Channel channel;
  fs::path given(path);
  channel.path = given.has_parent_path() && given.parent_path().has_parent_path()
                     ? given.parent_path().parent_path().string()
                     : p.parent_path().parent_path().string();
  channel.files.push_back(BucketFile{path, *key, size, gz});
  return channel;
}

} // namespace

core::Result<Channel>
walk_channel(const std::string& dir, const WalkOptions& opts)
{
  auto entries = list_dir(dir);
  if (!entries)
    return entries.take_error();
  Channel channel;
  channel.path = dir;
  std::vector<std::pair<std::uint64_t, std::string>> slots;
  for (const auto& e : *entries) {
    std::string name = e.path().filename().string();
    auto key = store::parse_slot_name(name);
    std::error_code ec;
    if (key && e.is_directory(ec))
      slots.emplace_back(*key, name);
    else if (!ignored(name))
      stray(channel, join(dir, name),
            key ? "not a directory" : "not a slot directory name (10 hex digits)");
  }
  std::sort(slots.begin(), slots.end());
  for (const auto& [key, name] : slots)
    SHOAL_TRY(walk_slot(channel, join(dir, name), name, opts));
  return channel;
}

core::Result<std::vector<Channel>>
find_buckets(const std::vector<std::string>& paths, const WalkOptions& opts)
{
  std::vector<Channel> channels;
  for (const auto& path : paths) {
    std::error_code ec;
    auto status = fs::status(path, ec);
    if (ec)
      return fs_error("stat", path, ec);
    if (opts.all) {
      if (!fs::is_directory(status))
        return core::make_error(core::Errc::usage, path + ": --all wants a data directory");
      auto entries = list_dir(path);
      if (!entries)
        return entries.take_error();
      std::vector<std::string> names;
      for (const auto& e : *entries)
        if (e.is_directory(ec) && !e.path().filename().string().starts_with("."))
          names.push_back(e.path().filename().string());
      std::sort(names.begin(), names.end());
      for (const auto& name : names) {
        auto channel = walk_channel(join(path, name), opts);
        if (!channel)
          return channel.take_error();
        channels.push_back(std::move(*channel));
      }
      continue;
    }
    auto channel = fs::is_directory(status) ? walk_channel(path, opts) : single_file(path);
    if (!channel)
      return channel.take_error();
    channels.push_back(std::move(*channel));
  }
  return channels;
}

} // namespace shoal::logfiles_check
