// Data directory file names and the start-up scan.
#include "data_dir.hpp"

#include "queue_name.hpp"

#include "core/hex.hpp"

#include <filesystem>
#include <optional>
#include <string_view>

namespace fs = std::filesystem;

namespace shoal::queuenode {

std::string
ring_path(const std::string& dir, const std::string& queue)
{
  return dir + "/" + queue + ".rq";
}

std::string
overflow_path(const std::string& dir, const std::string& queue, std::uint64_t id)
{
  return dir + "/" + queue + "." + core::key_to_hex(id) + ".ovf";
}

std::string
checkpoint_path(const std::string& dir, std::uint64_t generation)
{
  return dir + "/checkpoint." + core::key_to_hex(generation);
}

std::string
journal_path(const std::string& dir, std::uint64_t generation)
{
  return dir + "/journal." + core::key_to_hex(generation);
}

namespace {

// The generation of "<prefix>.<16 hex>", if name is one.
std::optional<std::uint64_t>
generation_of(std::string_view name, std::string_view prefix)
{
  if (!name.starts_with(prefix) || name.size() != prefix.size() + 1 + 16 ||
      name[prefix.size()] != '.')
    return std::nullopt;
  return core::parse_key(name.substr(prefix.size() + 1));
}

// Sorts one file name into listing.
void
classify(const std::string& dir, std::string_view name, DirListing& listing)
{
  std::string path = dir + "/" + std::string(name);
  if (name.ends_with(".tmp")) {
    listing.temporaries.push_back(path);
  } else if (auto g = generation_of(name, "checkpoint")) {
    listing.checkpoints[*g] = path;
  } else if (auto j = generation_of(name, "journal")) {
    listing.journals[*j] = path;
  } else if (name.ends_with(".rq")) {
    if (auto queue = QueueName::parse(name.substr(0, name.size() - 3)))
      listing.rings[queue->full()] = path;
  } else if (name.ends_with(".ovf") && name.size() > 21 && name[name.size() - 21] == '.') {
    auto id = core::parse_key(name.substr(name.size() - 20, 16));
    auto queue = QueueName::parse(name.substr(0, name.size() - 21));
    if (id && queue)
      listing.overflows[queue->full()].push_back({path, *id});
  }
}

} // namespace

core::Result<DirListing>
scan_data_dir(const std::string& dir)
{
  DirListing listing;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec)
    return core::make_error(core::Errc::io, "cannot list " + dir + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec)
      return core::make_error(core::Errc::io, "cannot list " + dir + ": " + ec.message());
    if (it->is_regular_file(ec))
      classify(dir, it->path().filename().string(), listing);
  }
  return listing;
}

} // namespace shoal::queuenode
