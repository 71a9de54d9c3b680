// Repairing a damaged bucket file in three crash-safe steps (man logfiles-check(8), REPAIR):
// write every valid record to "<file>.repairing" and fsync it; keep the original as
// "<file>.broken" (a hard link: the original name never goes missing); rename the repaired file
// over the original and fsync the directory. A crash after any step leaves the original or the
// repaired file under the original name, and at worst a ".repairing" leftover.
#pragma once

#include "check_file.hpp"
#include "walk.hpp"

#include "core/result.hpp"

#include <cstdint>
#include <string>

namespace shoal::logfiles_check {

// What a repair kept.
struct Repaired {
  std::string temp_path;   // "<file>.repairing"
  std::string broken_path; // where the original bytes stay ("<file>.broken[.N]")
  std::uint64_t records = 0;
  std::uint64_t bytes = 0; // size of the repaired file
};

// Why a damaged file is not repaired, or "" if it can be: compressed files and unsupported
// versions are left alone.
std::string repair_refusal(const BucketFile& file, const FileCheck& check);

// The size the repaired file will have: its header (a v2 header for a torn bucket) and the
// valid records in the file's own format.
std::uint64_t repaired_size(const FileCheck& check);

// Step 1: writes "<file>.repairing" (replacing a leftover of an earlier run) with the file's
// header and every valid record in the file's own format (v2 for a torn bucket), byte for byte
// as they are in the file, and fsyncs it. The original is only read.
core::Result<Repaired> write_repairing(const BucketFile& file, const FileCheck& check);

// Step 2: gives the original's bytes a second name "<file>.broken", or ".broken.1", ".broken.2"
// ... if that exists (never replacing one), and fsyncs the directory. Returns the name.
core::Result<std::string> keep_original(const std::string& path);

// Step 3: renames "<file>.repairing" over the file and fsyncs the directory.
core::Status install_repaired(const std::string& path);

// The three steps; the reader and writer of a live node must not use the file meanwhile.
core::Result<Repaired> repair_file(const BucketFile& file, const FileCheck& check);

} // namespace shoal::logfiles_check
