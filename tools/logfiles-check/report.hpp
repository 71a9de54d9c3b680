// What logfiles-check prints: a Report receives each file's verdict, each channel's totals and
// the grand total, and writes them as text lines (text_report.cpp) or JSON lines
// (json_report.cpp) on stdout.
#pragma once

#include "check_file.hpp"
#include "repair.hpp"
#include "walk.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace shoal::logfiles_check {

// Sums over files (a channel's or all of them).
struct Totals {
  std::uint64_t files = 0; // files checked
  std::uint64_t records = 0;
  std::uint64_t value_bytes = 0;
  std::uint64_t damaged = 0;     // files with damage (torn headers included)
  std::uint64_t unsupported = 0; // files of an unknown version (not read)
  std::uint64_t repaired = 0;
  std::uint64_t errors = 0; // files that could not be read or repaired (I/O)
  std::uint64_t gz_skipped = 0;
  std::uint64_t gz_skipped_bytes = 0;
  std::uint64_t strays = 0;

  void add(const Totals& other);
};

// What --fix did with a damaged file.
struct RepairOutcome {
  enum class Kind {
    none,         // no --fix, or nothing to repair
    repaired,     // done: see repaired
    would_repair, // --dry-run: repaired.records and .bytes say what it would keep
    refused,      // why says why (compressed, unsupported)
    failed,       // why holds the error
  };
  Kind kind = Kind::none;
  Repaired repaired;
  std::string why;
};

// How much to print.
struct ReportStyle {
  bool quiet = false;   // damaged files and the final summary only
  bool verbose = false; // a line per file
  bool size = false;    // the size figures only
};

class Report
{
public:
  virtual ~Report() = default;
  // One checked file (clean ones are printed only when verbose).
  virtual void
  file(const BucketFile& file, const FileCheck& check, const RepairOutcome& repair) = 0;
  // A channel's totals, after its files.
  virtual void channel(const std::string& path, const Totals& totals) = 0;
  // The grand total, last.
  virtual void total(std::uint64_t channels, const Totals& totals) = 0;
};

// Text lines on out (man logfiles-check(8), OUTPUT).
std::unique_ptr<Report> make_text_report(std::FILE* out, const ReportStyle& style);

// One JSON object per line on out: damaged files (every file when verbose), channels, the total.
std::unique_ptr<Report> make_json_report(std::FILE* out, const ReportStyle& style);

// s as a JSON string literal, quotes included; bytes that are not UTF-8 become U+FFFD.
std::string json_string(std::string_view s);

// 100 * part / whole with one decimal ("8.3"); "0.0" for an empty whole.
std::string percent(std::uint64_t part, std::uint64_t whole);

} // namespace shoal::logfiles_check
