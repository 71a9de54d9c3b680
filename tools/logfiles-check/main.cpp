// logfiles-check: verifies the bucket files of a log store and, with --fix, repairs them
// (man logfiles-check(8)). main only wires the options, the walk, the report and the checker.
#include "checker.hpp"
#include "options.hpp"
#include "report.hpp"
#include "walk.hpp"

#include "cfg/options.hpp"

#include <unistd.h>

#include <cstdio>

using namespace shoal;

int
main(int argc, char** argv)
{
  return cfg::guard_main("logfiles-check", [&] {
    CLI::App app{"logfiles-check: verifies (and with --fix repairs) log store bucket files",
                 "logfiles-check"};
    logfiles_check::Options opts;
    logfiles_check::add_options(app, opts);
    if (int code = cfg::parse(app, argc, argv, opts.common); code >= 0)
      return code;
    if (opts.common.check_config) {
      std::puts("logfiles-check: configuration OK");
      return 0;
    }
    auto channels = logfiles_check::find_buckets(opts.paths, {opts.all, opts.gz});
    if (!channels)
      return cfg::report("logfiles-check", channels.error());
    opts.progress = isatty(STDERR_FILENO) && !opts.quiet && !opts.json;
    logfiles_check::ReportStyle style{opts.quiet, opts.verbose, opts.size};
    auto report = opts.json ? logfiles_check::make_json_report(stdout, style)
                            : logfiles_check::make_text_report(stdout, style);
    return logfiles_check::check_channels(*channels, opts, *report, stderr);
  });
}
