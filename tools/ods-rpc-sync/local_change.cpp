// local_change: compare the file with the known version.
#include "local_change.hpp"

#include <algorithm>

namespace shoal::odsrpcsync {

std::optional<Update>
local_change(std::string_view self,
             std::string_view name,
             const std::optional<FlagFile>& file,
             const FlagVersion* known,
             std::uint64_t now_ns)
{
  bool known_present = known && known->present;
  if (file && known_present && known->value == file->value && known->ts_ns == file->mtime_ns)
    return std::nullopt;
  if (!file && !known_present)
    return std::nullopt;
  Update u;
  u.origin = self;
  u.name = name;
  u.op = file ? Op::set : Op::clear;
  u.ts_ns = file ? file->mtime_ns : now_ns;
  if (file)
    u.value = file->value;
  if (known && !newer(u.ts_ns, u.origin, known->ts_ns, known->origin))
    u.ts_ns = known->ts_ns + 1;
  return u;
}

} // namespace shoal::odsrpcsync
