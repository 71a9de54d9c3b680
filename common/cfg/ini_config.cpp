// IniConfig: parsing and writing the INI-style config files all shoal tools share.
#include "cfg/ini_config.hpp"

#include <algorithm>
#include <sstream>

namespace shoal::cfg {

namespace {
std::string
trim(std::string_view s)
{
  auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos)
    return {};
  auto last = s.find_last_not_of(" \t\r");
  return std::string(s.substr(first, last - first + 1));
}

std::string
unquote(std::string value)
{
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front())
    return value.substr(1, value.size() - 2);
  return value;
}
} // namespace

std::vector<CLI::ConfigItem>
IniConfig::from_config(std::istream& input) const
{
  std::vector<CLI::ConfigItem> result;
  std::string line;
  for (int number = 1; std::getline(input, line); ++number) {
    std::string text = trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';')
      continue;
    if (text.front() == '[' && text.back() == ']')
      continue; // sections group lines for readers; names are global
    auto eq = text.find('=');
    if (eq == std::string::npos)
      throw CLI::ConfigError("config line " + std::to_string(number) +
                             ": expected `name = value`, got `" + text + "`");
    std::string name = trim(std::string_view(text).substr(0, eq));
    std::replace(name.begin(), name.end(), '_', '-');
    if (name.empty())
      throw CLI::ConfigError("config line " + std::to_string(number) + ": empty name");
    CLI::ConfigItem item;
    item.name = name;
    item.inputs = {unquote(trim(std::string_view(text).substr(eq + 1)))};
    result.push_back(std::move(item));
  }
  return result;
}

std::string
IniConfig::to_config(const CLI::App* app,
                     bool default_also,
                     bool write_description,
                     std::string) const
{
  std::ostringstream out;
  for (const CLI::Option* opt : app->get_options()) {
    if (opt->get_lnames().empty() || !opt->get_configurable())
      continue;
    std::string value = opt->count() ? CLI::detail::join(opt->results(), " ")
                                     : (default_also ? opt->get_default_str() : "");
    if (value.empty() && !opt->count())
      continue;
    if (write_description && !opt->get_description().empty())
      out << "# " << opt->get_description() << "\n";
    out << opt->get_lnames().front() << " = " << value << "\n";
  }
  return out.str();
}

} // namespace shoal::cfg
