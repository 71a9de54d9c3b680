// Recovery: channel discovery, the checkpoint's buckets checked from their offsets, sizes.
#include "recovery.hpp"

#include "checkpoint.hpp"

#include "core/log.hpp"
#include "proto/codes.hpp"
#include "store/atomic_file.hpp"
#include "store/bucket_dir.hpp"
#include "store/bucket_layout.hpp"
#include "store/bucket_reader.hpp"
#include "store/file_io.hpp"

#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <map>

namespace shoal::logfilesnode {

namespace {

namespace fs = std::filesystem;

// The channel directories of data_dir; removes ".removing.*" leftovers on the way.
core::Result<std::vector<std::string>>
channel_names(const std::string& data_dir)
{
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(".removing.", 0) == 0) {
      core::log_info("finishing the removal of a channel: deleting {}", entry.path().string());
      fs::remove_all(entry.path(), ec);
      if (ec)
        return core::make_error(core::Errc::io,
                                "cannot delete " + entry.path().string() + ": " + ec.message());
      continue;
    }
    if (proto::valid_channel_name(name) && entry.is_directory(ec))
      names.push_back(name);
  }
  if (ec)
    return core::make_error(core::Errc::io, "cannot list " + data_dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

// Reads one bucket from offset on; cuts it at the first damage. Adds what it kept to size.
core::Status
check_bucket(const std::string& path,
             const Checkpoint::Bucket& b,
             std::uint64_t max_value,
             ChannelSize& size,
             Recovery& report)
{
  store::BucketReadOptions opts;
  opts.first_key = b.start;
  opts.start = b.offset;
  opts.max_value = max_value;
  auto reader = store::BucketReader::open(path, opts);
  if (!reader)
    return reader.take_error();
  ++report.buckets_checked;
  for (;;) {
    auto item = reader->next();
    if (!item)
      return item.take_error();
    if (item->kind == store::BucketReader::Item::Kind::record) {
      size.records += 1;
      size.bytes += item->value.size();
      ++report.records_recovered;
      continue;
    }
    if (item->kind == store::BucketReader::Item::Kind::end && !reader->torn())
      return {};
    // Damage (or a torn header): everything from here on goes.
    std::uint64_t cut_at = reader->torn() ? 0 : item->offset;
    auto fd = store::open_file(path, O_WRONLY);
    if (!fd)
      return fd.take_error();
    auto file_size = store::file_size(fd->get(), path);
    if (!file_size)
      return file_size.take_error();
    core::log_warn("{}: {} at offset {}: cutting the last {} bytes", path,
                   reader->torn() ? "torn header"
                                  : std::string(store::record_status_name(item->status)),
                   cut_at, *file_size - cut_at);
    report.bytes_cut += *file_size - cut_at;
    SHOAL_TRY(store::truncate_file(fd->get(), cut_at, path));
    return store::sync_data(fd->get(), path);
  }
}

} // namespace

core::Result<ChannelSize>
count_channel(const std::string& channel_dir, std::uint64_t max_value)
{
  auto buckets = store::list_buckets(channel_dir);
  if (!buckets)
    return buckets.take_error();
  ChannelSize size;
  for (const auto& bucket : *buckets) {
    store::BucketReadOptions opts;
    opts.first_key = bucket.first_key;
    opts.max_value = max_value;
    auto reader = store::BucketReader::open(bucket.path, opts);
    if (!reader) {
      core::log_warn("not counted: {}", reader.error().message);
      continue;
    }
    for (;;) {
      auto item = reader->next();
      if (!item)
        return item.take_error();
      if (item->kind != store::BucketReader::Item::Kind::record)
        break; // readers stop at damage too: count what they will return
      size.records += 1;
      size.bytes += item->value.size();
    }
  }
  return size;
}

core::Result<Recovery>
recover(const std::string& data_dir, std::uint64_t max_value)
{
  Recovery report;
  auto names = channel_names(data_dir);
  if (!names)
    return names.take_error();
  std::map<std::string, ChannelSize> sizes;
  std::map<std::string, bool> known; // channels whose size the checkpoint gives
  std::string cp_path = data_dir + "/" + std::string(checkpoint_file);
  auto text = store::read_file(cp_path, 64 << 20);
  if (text) {
    report.crashed = true;
    auto cp = parse_checkpoint(*text, cp_path);
    if (!cp) {
      core::log_error("{}: every channel will be counted again", cp.error().message);
    } else {
      for (const auto& c : cp->channels) {
        sizes[c.name] = {c.records, c.bytes};
        known[c.name] = cp->has_sizes;
      }
      for (const auto& b : cp->buckets) {
        std::string path = data_dir + "/" + b.channel + "/" + store::bucket_relative_path(b.start);
        std::error_code ec;
        if (!fs::exists(path, ec))
          continue; // removed since, or never written
        SHOAL_TRY(check_bucket(path, b, max_value, sizes[b.channel], report));
      }
    }
  } else if (text.error().code != core::Errc::not_found) {
    return text.take_error();
  }
  for (const std::string& name : *names) {
    std::string dir = data_dir + "/" + name;
    ChannelSize size;
    if (known[name]) {
      size = sizes[name];
    } else if (auto info = read_size_info(dir); info && !report.crashed) {
      size = *info;
    } else {
      auto counted = count_channel(dir, max_value);
      if (!counted)
        return counted.take_error();
      size = *counted;
      ++report.channels_counted;
    }
    report.channels.push_back({name, size});
  }
  return report;
}

} // namespace shoal::logfilesnode
