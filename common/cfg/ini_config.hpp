// IniConfig: the config-file side of a tool's option table. A file holds `name = value` lines
// whose names are the tool's long flags (dashes or underscores, so `data_dir` = `--data-dir`);
// `[Section]` headers only group lines; `#` and `;` start comments.
#pragma once

#include <CLI/CLI.hpp>

namespace shoal::cfg {

class IniConfig : public CLI::Config
{
public:
  // Writes the app's current option values in the file format (CLI::App::config_to_str).
  std::string to_config(const CLI::App* app,
                        bool default_also,
                        bool write_description,
                        std::string prefix) const override;
  // Parses a file; throws CLI::ConfigError naming the line on malformed input.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

} // namespace shoal::cfg
