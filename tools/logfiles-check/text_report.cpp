// The text report: "damaged PATH FORMAT: ..." verdict lines, per-channel and total summaries.
#include "report.hpp"

#include <fmt/format.h>

namespace shoal::logfiles_check {

namespace {

class TextReport final : public Report
{
public:
  TextReport(std::FILE* out, const ReportStyle& style) : m_out(out), m_style(style) {}

  void file(const BucketFile& file, const FileCheck& check, const RepairOutcome& repair) override
  {
    if (m_style.size)
      return;
    auto format = store::format_name(check.format);
    switch (check.verdict) {
    case FileCheck::Verdict::clean:
      if (m_style.verbose)
        fmt::print(m_out, "ok {} {}: {} records, {} value bytes\n", file.path, format,
                   check.records, check.value_bytes);
      break;
    case FileCheck::Verdict::damaged:
      fmt::print(m_out, "damaged {} {}: {} records, {}\n", file.path, format, check.records,
                 describe_damage(check));
      break;
    case FileCheck::Verdict::unsupported:
      fmt::print(m_out, "unsupported {}: {}, left alone\n", file.path, check.unsupported_why);
      break;
    }
    print_repair(file, repair);
  }

  void channel(const std::string& path, const Totals& t) override
  {
    if (m_style.quiet)
      return;
    fmt::print(m_out, "channel {}: {}\n", path, summary(t));
  }

  void total(std::uint64_t channels, const Totals& t) override
  {
    fmt::print(m_out, "total: {} channel{}, {}\n", channels, channels == 1 ? "" : "s", summary(t));
    std::fflush(m_out);
  }

private:
  void print_repair(const BucketFile& file, const RepairOutcome& r)
  {
    const Repaired& kept = r.repaired;
    switch (r.kind) {
    case RepairOutcome::Kind::none: break;
    case RepairOutcome::Kind::repaired:
      fmt::print(m_out, "repaired {}: kept {} records ({} bytes), original in {}\n", file.path,
                 kept.records, kept.bytes, kept.broken_path);
      break;
    case RepairOutcome::Kind::would_repair:
      fmt::print(m_out, "would repair {}: keep {} records ({} bytes), original to {}.broken\n",
                 file.path, kept.records, kept.bytes, file.path);
      break;
    case RepairOutcome::Kind::refused:
      fmt::print(m_out, "not repaired {}: {}\n", file.path, r.why);
      break;
    case RepairOutcome::Kind::failed:
      fmt::print(m_out, "repair failed {}: {}\n", file.path, r.why);
      break;
    }
  }

  std::string summary(const Totals& t) const
  {
    std::string s =
        fmt::format("{} files, {} records, {} value bytes", t.files, t.records, t.value_bytes);
    if (m_style.size)
      return s + fmt::format(", {} compressed files skipped ({} bytes)", t.gz_skipped,
                             t.gz_skipped_bytes);
    s += fmt::format(", {} damaged ({}%)", t.damaged, percent(t.damaged, t.files));
    if (t.repaired)
      s += fmt::format(", {} repaired", t.repaired);
    if (t.unsupported)
      s += fmt::format(", {} of an unsupported version", t.unsupported);
    if (t.errors)
      s += fmt::format(", {} unreadable", t.errors);
    if (t.gz_skipped)
      s += fmt::format(", {} compressed files skipped", t.gz_skipped);
    if (t.strays)
      s += fmt::format(", {} unknown names skipped", t.strays);
    return s;
  }

  std::FILE* m_out;
  ReportStyle m_style;
};

} // namespace

std::unique_ptr<Report>
make_text_report(std::FILE* out, const ReportStyle& style)
{
  return std::make_unique<TextReport>(out, style);
}

} // namespace shoal::logfiles_check
