// What both reports share: the totals and the percentages.
#include "report.hpp"

#include <fmt/format.h>

namespace shoal::logfiles_check {

void
Totals::add(const Totals& o)
{
  files += o.files;
  records += o.records;
  value_bytes += o.value_bytes;
  damaged += o.damaged;
  unsupported += o.unsupported;
  repaired += o.repaired;
  errors += o.errors;
  gz_skipped += o.gz_skipped;
  gz_skipped_bytes += o.gz_skipped_bytes;
  strays += o.strays;
}

std::string
percent(std::uint64_t part, std::uint64_t whole)
{
  if (whole == 0)
    return "0.0";
  return fmt::format("{:.1f}", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

} // namespace shoal::logfiles_check
