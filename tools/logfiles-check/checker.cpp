// check_channels: the loop over channels and files; the per-file work is in check_file.cpp and
// repair.cpp, the printing in the reports.
#include "checker.hpp"

#include "check_file.hpp"
#include "progress.hpp"
#include "repair.hpp"

#include <fmt/format.h>

#include <sysexits.h>

namespace shoal::logfiles_check {

int
exit_status(const Totals& t)
{
  if (t.errors)
    return EX_IOERR;
  if (t.damaged > t.repaired || t.unsupported)
    return exit_damage;
  return t.repaired ? exit_repaired : exit_clean;
}

namespace {

// What --fix does with one damaged file.
RepairOutcome
repair(const BucketFile& file, const FileCheck& check, const Options& opts)
{
  RepairOutcome out;
  if (!opts.fix || check.verdict == FileCheck::Verdict::clean)
    return out;
  if (std::string why = repair_refusal(file, check); !why.empty()) {
    out.kind = RepairOutcome::Kind::refused;
    out.why = std::move(why);
    return out;
  }
  if (opts.dry_run) {
    out.kind = RepairOutcome::Kind::would_repair;
    out.repaired.records = check.records;
    out.repaired.bytes = repaired_size(check);
    return out;
  }
  auto done = repair_file(file, check);
  if (!done) {
    out.kind = RepairOutcome::Kind::failed;
    out.why = done.error().message;
    return out;
  }
  out.kind = RepairOutcome::Kind::repaired;
  out.repaired = std::move(*done);
  return out;
}

void
count(Totals& t, const FileCheck& check, const RepairOutcome& r)
{
  ++t.files;
  t.records += check.records;
  t.value_bytes += check.value_bytes;
  t.damaged += check.verdict == FileCheck::Verdict::damaged;
  t.unsupported += check.verdict == FileCheck::Verdict::unsupported;
  t.repaired += r.kind == RepairOutcome::Kind::repaired;
  t.errors += r.kind == RepairOutcome::Kind::failed;
}

} // namespace

int
check_channels(const std::vector<Channel>& channels,
               const Options& opts,
               Report& report,
               std::FILE* err)
{
  std::uint64_t total_files = 0, total_bytes = 0, files_done = 0, bytes_done = 0;
  for (const auto& c : channels)
    for (const auto& f : c.files) {
      ++total_files;
      total_bytes += f.size;
    }
  Progress progress(err, opts.progress, total_files, total_bytes);
  Totals all;
  for (const auto& channel : channels) {
    Totals t;
    t.gz_skipped = channel.gz_skipped;
    t.gz_skipped_bytes = channel.gz_skipped_bytes;
    t.strays = channel.strays;
    progress.clear();
    for (const auto& warning : channel.warnings)
      fmt::print(err, "logfiles-check: warning: {}\n", warning);
    for (const auto& file : channel.files) {
      auto check = check_file(file, [&](std::uint64_t offset) {
        progress.update(files_done, bytes_done + (file.compressed ? 0 : offset));
      });
      bytes_done += file.size;
      ++files_done;
      if (!check && check.error().code == core::Errc::not_found) {
        progress.clear();
        fmt::print(err, "logfiles-check: warning: {}, skipped\n", check.error().message);
        continue;
      }
      if (!check) {
        progress.clear();
        fmt::print(err, "logfiles-check: error: {}\n", check.error().message);
        ++t.errors;
        continue;
      }
      RepairOutcome r = repair(file, *check, opts);
      count(t, *check, r);
      if (check->verdict != FileCheck::Verdict::clean || opts.verbose)
        progress.clear();
      report.file(file, *check, r);
      progress.update(files_done, bytes_done);
    }
    progress.clear();
    report.channel(channel.path, t);
    all.add(t);
  }
  progress.clear();
  report.total(channels.size(), all);
  return exit_status(all);
}

} // namespace shoal::logfiles_check
