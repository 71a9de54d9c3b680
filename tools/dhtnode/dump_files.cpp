// Dump files: the start-up loader (scan rules, record filters, out-of-range policy) and the
// writer used at shutdown and by periodic snapshots.
#include "dump_files.hpp"

#include "core/clock.hpp"
#include "core/hex.hpp"
#include "core/log.hpp"
#include "proto/codes.hpp"
#include "store/atomic_file.hpp"
#include "store/tcm.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <optional>

namespace fs = std::filesystem;

namespace shoal::dhtnode {

std::uint64_t
record_size_limit(std::uint64_t batch_size)
{
  return batch_size - (16 + 2 * sizeof(std::uint64_t));
}

namespace {

// The records of a dump file, counted in a quick first pass (the file is in the page cache
// for the real pass then); a damaged file counts what is readable.
std::uint64_t
count_records(const std::string& path)
{
  auto reader = store::TcmReader::open(path);
  std::uint64_t n = 0;
  store::TcmRecord record;
  while (reader) {
    auto more = reader->next(record);
    if (!more || !*more)
      break;
    ++n;
  }
  return n;
}

// Loads the records of one file into channel; counts what it skips in report.
class FileLoader
{
public:
  FileLoader(const Options& opts, LoadReport& report) : m_opts(opts), m_report(report) {}

  // Loads path into the channel name of storage, creating it once the header is good.
  // Returns false for a file skipped with a warning (another format version).
  core::Result<bool> load(const std::string& path, const std::string& name, Storage& storage)
  {
    store::TcmProblem problem{};
    auto reader = store::TcmReader::open(path, &problem);
    if (!reader) {
      if (problem == store::TcmProblem::unsupported_version) {
        core::log_warn("ignoring {}: {}", path, reader.error().message);
        return false;
      }
      return reader.take_error();
    }
    Channel& channel = *storage.get_or_create(name);
    // Sizing the table first spares it a dozen rebuilds while it grows record by record.
    channel.table().reserve(channel.records() + count_records(path));
    m_out_of_range_run = 0; // the wrong-range guard looks at each file's first records
    m_in_range_seen = false;
    // Records are taken a few ahead of their insertion and their slots prefetched: the table
    // is far larger than the caches, and each insert would otherwise wait on memory.
    constexpr std::size_t ahead = 16;
    std::array<Pending, ahead> window;
    std::size_t head = 0, size = 0;
    bool end = false;
    while (!end || size) {
      if (!end && size < ahead) {
        Pending& next = window[(head + size) % ahead];
        auto more = reader->next(next.record);
        if (!more)
          SHOAL_TRY(damaged(more.error())); // keep what was read before the damage
        end = !more || !*more;
        if (!end) {
          next.key = core::parse_key(next.record.key);
          if (next.key)
            channel.table().prefetch(*next.key);
          ++size;
        }
        if (!end && size < ahead)
          continue;
      }
      SHOAL_TRY(add(window[head], channel, path));
      head = (head + 1) % ahead;
      --size;
      progress(path, *reader);
    }
    return true;
  }

private:
  // A record read ahead, with its key parsed.
  struct Pending {
    store::TcmRecord record;
    std::optional<std::uint64_t> key;
  };

  core::Status add(const Pending& pending, Channel& channel, const std::string& path)
  {
    const store::TcmRecord& record = pending.record;
    const auto& key = pending.key;
    if (!key) {
      ++m_report.invalid_keys;
      return {};
    }
    if (record.value.empty()) {
      ++m_report.empty_values;
      return {};
    }
    if (record.value.size() > record_size_limit(m_opts.batch_size)) {
      ++m_report.too_large;
      return {};
    }
    if (!m_opts.range.responsible_for(*key)) {
      SHOAL_TRY(out_of_range(*key, path));
      if (m_opts.out_of_range == OutOfRange::ignore)
        return {};
    } else {
      m_in_range_seen = true;
    }
    channel.table().put(*key, record.value);
    ++m_report.records;
    return {};
  }

  core::Status out_of_range(std::uint64_t key, const std::string& path)
  {
    ++m_report.out_of_range;
    ++m_out_of_range_run;
    if (m_opts.out_of_range == OutOfRange::fatal)
      return core::make_error(core::Errc::bad_data, path + ": record " + core::key_to_hex(key) +
                                                        " is outside the node's range " +
                                                        m_opts.range.str() +
                                                        " (--out-of-range fatal)");
    // Protects against a wrong --range: a dump of another node is all out of range.
    if (!m_in_range_seen && m_out_of_range_run >= m_opts.abort_after_out_of_range)
      return core::make_error(core::Errc::bad_data,
                              path + ": the first " + std::to_string(m_out_of_range_run) +
                                  " records are all outside the node's range " +
                                  m_opts.range.str() + "; is --range right?");
    return {};
  }

  core::Status damaged(const core::Error& error)
  {
    if (!m_opts.load_damaged)
      return core::make_error(core::Errc::bad_data,
                              error.message +
                                  " (start with --load-damaged to load the readable part)");
    ++m_report.damaged_files;
    core::log_warn("{}; loaded the records before it (--load-damaged)", error.message);
    return {};
  }

  void progress(const std::string& path, const store::TcmReader& reader)
  {
    if ((++m_count & 0xffff) != 0)
      return;
    std::uint64_t now = core::now_ms();
    if (now - m_last_log < 1000)
      return;
    m_last_log = now;
    core::log_info("loading {}: {}%", path,
                   reader.offset() * 100 / std::max<std::uint64_t>(reader.file_size(), 1));
  }

  const Options& m_opts;
  LoadReport& m_report;
  std::uint64_t m_out_of_range_run = 0;
  bool m_in_range_seen = false;
  std::uint64_t m_count = 0;
  std::uint64_t m_last_log = core::now_ms();
};

// Decides what a directory entry is; returns the channel name for a loadable dump.
std::string
classify(const fs::directory_entry& entry)
{
  std::string name = entry.path().filename().string();
  std::error_code ec;
  if (entry.is_directory(ec)) {
    if (name != "deleted")
      core::log_warn("ignoring directory {} in the data directory", entry.path().string());
    return {};
  }
  if (name.ends_with(store::tcm_temp_suffix)) {
    core::log_warn("unfinished dump file {} found and ignored: the node or dhtdump stopped "
                   "uncleanly during a dump, and the data may be older than expected",
                   entry.path().string());
    return {};
  }
  if (!name.ends_with(".tcm"))
    return {};
  std::string channel = name.substr(0, name.size() - 4);
  if (!proto::valid_channel_name(channel)) {
    core::log_warn("ignoring {}: not a valid channel name", entry.path().string());
    return {};
  }
  if (entry.file_size(ec) == 0) {
    core::log_warn("ignoring empty dump file {}", entry.path().string());
    return {};
  }
  return channel;
}

core::Status
ensure_directory(const std::string& dir)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return core::make_error(core::Errc::io,
                            "cannot create data directory " + dir + ": " + ec.message());
  return {};
}

} // namespace

core::Result<LoadReport>
load_all(Storage& storage, const Options& opts)
{
  SHOAL_TRY(ensure_directory(opts.data_dir));
  LoadReport report;
  std::error_code ec;
  std::vector<std::pair<std::string, std::string>> files; // channel, path
  for (const auto& entry : fs::directory_iterator(opts.data_dir, ec)) {
    std::string channel = classify(entry);
    if (!channel.empty())
      files.emplace_back(channel, entry.path().string());
  }
  if (ec)
    return core::make_error(core::Errc::io, "cannot read " + opts.data_dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  FileLoader loader(opts, report);
  for (const auto& [name, path] : files) {
    std::uint64_t before = report.records;
    auto loaded = loader.load(path, name, storage);
    if (!loaded)
      return loaded.take_error();
    if (!*loaded)
      continue;
    ++report.files;
    core::log_info("loaded {} records of channel {} from {}", report.records - before, name, path);
  }
  return report;
}

core::Result<std::uint64_t>
dump_channel(const Channel& channel, const std::string& dir)
{
  auto writer = store::TcmWriter::create(dir + "/" + channel.name() + ".tcm");
  if (!writer)
    return writer.take_error();
  RecordTable::Cursor cursor;
  core::Status status;
  channel.table().scan(cursor, [&](std::uint64_t key, std::string_view value) {
    status = writer->add(key, value);
    return status.ok();
  });
  if (!status)
    return status.take_error(); // the writer's destructor removes the temporary file
  SHOAL_TRY(writer->commit());
  return writer->records();
}

core::Status
dump_all(const Storage& storage, const std::string& dir)
{
  SHOAL_TRY(ensure_directory(dir));
  core::Status first_failure;
  for (const auto& channel : storage.channels()) {
    std::uint64_t start = core::now_ms();
    auto written = dump_channel(*channel, dir);
    if (!written) {
      // Go on with the other channels: one bad channel must not cost the others their dump.
      core::log_error("dump of channel {} failed: {}", channel->name(), written.error().message);
      if (first_failure.ok())
        first_failure = written.take_error();
      continue;
    }
    core::log_info("dumped {} records of channel {} in {} ms", *written, channel->name(),
                   core::now_ms() - start);
  }
  return first_failure;
}

core::Status
move_to_deleted(const std::string& dir, const std::string& channel)
{
  std::string from = dir + "/" + channel + ".tcm";
  struct stat st {
  };
  if (::stat(from.c_str(), &st) != 0)
    return {}; // never dumped: nothing to keep
  std::string deleted = dir + "/deleted";
  SHOAL_TRY(ensure_directory(deleted));
  std::string to = deleted + "/" + channel + ".tcm";
  if (::rename(from.c_str(), to.c_str()) != 0)
    return core::sys_error("cannot move " + from + " to " + to, errno);
  return store::fsync_dir(dir);
}

} // namespace shoal::dhtnode
