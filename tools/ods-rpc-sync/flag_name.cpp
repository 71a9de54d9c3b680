// valid_flag_name: label by label.
#include "flag_name.hpp"

namespace shoal::odsrpcsync {

namespace {

// ods-rpc's zone label after its normalisation: lowercase letters and digits, single hyphens
// between them ([0-9a-z]+(-[0-9a-z]+)*).
bool
valid_label(std::string_view label)
{
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
    return false;
  char prev = 0;
  for (char c : label) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && prev != '-');
    if (!ok)
      return false;
    prev = c;
  }
  return true;
}

bool
valid_flag(std::string_view flag)
{
  if (flag.empty() || flag.size() > 32)
    return false;
  for (char c : flag)
    if (c < 'a' || c > 'z')
      return false;
  return true;
}

} // namespace

bool
valid_flag_name(std::string_view name)
{
  if (name.size() > max_flag_name)
    return false;
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || !valid_flag(name.substr(dot + 1)))
    return false;
  std::string_view zone = name.substr(0, dot);
  if (zone.find('.') == std::string_view::npos)
    return false; // ods-rpc takes zones of two labels or more
  while (true) {
    auto next = zone.find('.');
    if (!valid_label(zone.substr(0, next)))
      return false;
    if (next == std::string_view::npos)
      return true;
    zone.remove_prefix(next + 1);
  }
}

} // namespace shoal::odsrpcsync
