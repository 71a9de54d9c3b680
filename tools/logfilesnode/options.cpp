// logfilesnode's option table and the checks that tie options together.
#include "options.hpp"

#include "cfg/options.hpp"

namespace shoal::logfilesnode {

void
add_options(CLI::App& app, Options& opts)
{
  cfg::add_common_options(app, opts.common);
  server::add_listen_option(app, opts);
  app.add_option("--data-dir", opts.data_dir, "directory of the channels' bucket files")
      ->capture_default_str()
      ->type_name("DIR");
  app.add_option("--range", opts.range_text,
                 "range MIN:MAX (hex, inclusive) of bit-swapped timestamps this node takes "
                 "Puts for")
      ->capture_default_str()
      ->type_name("MIN:MAX");
  app.add_flag("--sync", opts.sync,
               "acknowledge a record only once it is on disk (fdatasync, in groups)");
  cfg::add_duration(app, "--sync-interval", opts.sync_interval_ms,
                    "--sync: how long a group of records gathers before its fdatasync (0: the "
                    "records that came during the last fdatasync)",
                    "0");
  cfg::add_size(app, "--max-value", opts.max_value, "largest record accepted", "16M")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30).description(""));
  cfg::add_size(app, "--batch-size", opts.batch_size,
                "record batch size of GetRange, GetAll and PutBatch (1K-16M)", "64K")
      ->check(CLI::Range(std::uint64_t{1024}, std::uint64_t{16} << 20).description(""));
  app.add_option("--max-open-files", opts.max_open_files,
                 "bucket files kept open for appending (least recently used closed first)")
      ->capture_default_str()
      ->type_name("N")
      ->check(CLI::Range(1, 100000));
  cfg::add_duration(app, "--checkpoint-period", opts.checkpoint_ms,
                    "how often every open bucket is synced and its good length recorded", "60s");
  cfg::add_size(app, "--max-backlog", opts.max_backlog,
                "bytes of records waiting for the disk before the node stops reading writers",
                "64M");
  server::add_serve_options(app, opts);
}

core::Status
finish_options(Options& opts)
{
  SHOAL_TRY(server::finish_serve_options(opts));
  auto range = proto::parse_hash_range(opts.range_text);
  if (!range)
    return range.take_error();
  opts.range = *range;
  if (opts.checkpoint_ms == 0)
    return core::make_error(core::Errc::config, "--checkpoint-period must be positive");
  return {};
}

} // namespace shoal::logfilesnode
