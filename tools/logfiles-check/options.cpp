// logfiles-check's option table: flags that change what is printed or repaired, then PATH...
#include "options.hpp"

#include "cfg/options.hpp"

namespace shoal::logfiles_check {

void
add_options(CLI::App& app, Options& opts)
{
  cfg::add_common_options(app, opts.common);
  app.add_flag("--all", opts.all, "each PATH is a data directory: check every channel in it");
  app.add_flag("--gz", opts.gz,
               "check gzip-compressed buckets (*.gz) too; they are never repaired");
  auto* fix = app.add_flag("--fix", opts.fix,
                           "repair damaged files, keeping every valid record; the original is "
                           "kept as FILE.broken");
  app.add_flag("--dry-run", opts.dry_run, "with --fix: say what would be repaired, change nothing")
      ->needs(fix);
  auto* json = app.add_flag("--json", opts.json,
                            "print JSON lines (damaged files, channels, the summary) for scripts");
  auto* quiet = app.add_flag("-q,--quiet", opts.quiet,
                             "print only damaged files and the final summary; no progress");
  app.add_flag("-v,--verbose", opts.verbose, "print a line for every file checked")
      ->excludes(quiet);
  app.add_flag("--size", opts.size,
               "print only the size figures per channel and in total (records, value bytes, "
               "files, compressed files skipped)")
      ->excludes(fix)
      ->excludes(json);
  app.add_option("PATH", opts.paths,
                 "a channel directory, a bucket file (SLOT/BUCKET), or with --all a data "
                 "directory")
      ->required()
      ->type_name("PATH");
}

} // namespace shoal::logfiles_check
