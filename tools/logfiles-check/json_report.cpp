// The JSON report: one object per line, written with fmt; the only strings are paths and fixed
// words, escaped by json_string (no JSON library for a handful of flat objects we never parse).
#include "report.hpp"

#include <fmt/format.h>

namespace shoal::logfiles_check {

namespace {

// The length of the UTF-8 sequence at s[i], or 0 if it is not valid UTF-8.
std::size_t
utf8_length(std::string_view s, std::size_t i)
{
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xe  ? 3
                  : (c >> 3) == 0x1e ? 4
                                     : 0;
  if (n == 0 || i + n > s.size() || (n == 2 && c < 0xc2))
    return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80)
      return 0;
  return n;
}

} // namespace

std::string
json_string(std::string_view s)
{
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
    else
      out.append(s.substr(i, n));
    i += n;
  }
  return out + "\"";
}

namespace {

const char*
verdict_name(FileCheck::Verdict v)
{
  switch (v) {
  case FileCheck::Verdict::clean: return "clean";
  case FileCheck::Verdict::damaged: return "damaged";
  case FileCheck::Verdict::unsupported: return "unsupported";
  }
  return "?";
}

const char*
repair_name(RepairOutcome::Kind k)
{
  switch (k) {
  case RepairOutcome::Kind::none: return "none";
  case RepairOutcome::Kind::repaired: return "repaired";
  case RepairOutcome::Kind::would_repair: return "would_repair";
  case RepairOutcome::Kind::refused: return "refused";
  case RepairOutcome::Kind::failed: return "failed";
  }
  return "?";
}

std::string
totals_fields(const Totals& t)
{
  return fmt::format(
      R"("files":{},"records":{},"value_bytes":{},"damaged":{},"damaged_percent":{},)"
      R"("repaired":{},"unsupported":{},"unreadable":{},"gz_skipped":{},)"
      R"("gz_skipped_bytes":{},"unknown_names":{})",
      t.files, t.records, t.value_bytes, t.damaged, percent(t.damaged, t.files), t.repaired,
      t.unsupported, t.errors, t.gz_skipped, t.gz_skipped_bytes, t.strays);
}

class JsonReport final : public Report
{
public:
  JsonReport(std::FILE* out, const ReportStyle& style) : m_out(out), m_style(style) {}

  void file(const BucketFile& file, const FileCheck& check, const RepairOutcome& repair) override
  {
    if (check.verdict == FileCheck::Verdict::clean && !m_style.verbose)
      return;
    std::string line = fmt::format(
        R"({{"type":"file","path":{},"format":"{}","compressed":{},"verdict":"{}","records":{},)"
        R"("value_bytes":{},"damage_count":{})",
        json_string(file.path), store::format_name(check.format), file.compressed,
        verdict_name(check.verdict), check.records, check.value_bytes, check.damage_count);
    if (check.damage_count)
      line += fmt::format(R"(,"first_damage":{{"offset":{},"kind":{}}},"damage":{})",
                          check.first_damage.offset, json_string(check.first_damage.kind),
                          json_string(describe_damage(check)));
    if (check.verdict == FileCheck::Verdict::unsupported)
      line += fmt::format(R"(,"reason":{})", json_string(check.unsupported_why));
    if (repair.kind != RepairOutcome::Kind::none)
      line += repair_fields(repair);
    fmt::print(m_out, "{}}}\n", line);
  }

  void channel(const std::string& path, const Totals& t) override
  {
    fmt::print(m_out, "{{\"type\":\"channel\",\"path\":{},{}}}\n", json_string(path),
               totals_fields(t));
  }

  void total(std::uint64_t channels, const Totals& t) override
  {
    fmt::print(m_out, "{{\"type\":\"summary\",\"channels\":{},{}}}\n", channels, totals_fields(t));
    std::fflush(m_out);
  }

private:
  static std::string repair_fields(const RepairOutcome& r)
  {
    std::string s = fmt::format(R"(,"repair":"{}")", repair_name(r.kind));
    if (r.kind == RepairOutcome::Kind::repaired || r.kind == RepairOutcome::Kind::would_repair)
      s += fmt::format(R"(,"kept_records":{},"kept_bytes":{})", r.repaired.records,
                       r.repaired.bytes);
    if (r.kind == RepairOutcome::Kind::repaired)
      s += fmt::format(R"(,"broken_path":{})", json_string(r.repaired.broken_path));
    if (!r.why.empty())
      s += fmt::format(R"(,"repair_reason":{})", json_string(r.why));
    return s;
  }

  std::FILE* m_out;
  ReportStyle m_style;
};

} // namespace

std::unique_ptr<Report>
make_json_report(std::FILE* out, const ReportStyle& style)
{
  return std::make_unique<JsonReport>(out, style);
}

} // namespace shoal::logfiles_check
