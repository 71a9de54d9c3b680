// The options every tool shares and the value syntaxes (sizes, durations) of the option table.
// Each tool declares its options once on a CLI::App; the same names work as --flags and in
// its --config file (see ini_config.hpp).
#pragma once

#include "cfg/common.hpp"
#include "core/log.hpp"
#include "core/result.hpp"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace shoal::cfg {

// Adds --config, --check-config and --log-level; makes unknown config-file names an error.
void add_common_options(CLI::App& app, CommonOptions& common);

// Parses the command line and the config file; applies --log-level and records the config
// file's name in common. Returns an exit code to
// exit with (0 after --help, 64 or 78 on errors, printed as "<tool>: error: ..."), or -1 to go on.
int parse(CLI::App& app, int argc, char** argv, CommonOptions& common);

// Runs a tool's main body; an escaping exception prints "<tool>: error: ..." and exits 70.
int guard_main(const char* tool, const std::function<int()>& body);

// Prints "<tool>: error: <message>" to stderr and returns the sysexits code of the error.
int report(const char* tool, const core::Error& error);

// "65536", "64K", "64KiB", "1M", "2G" (powers of 1024) -> bytes.
core::Result<std::uint64_t> parse_size(std::string_view text);

// "250ms", "30s", "5m", "6h", "1d"; a bare number is seconds -> milliseconds.
core::Result<std::uint64_t> parse_duration_ms(std::string_view text);

// Adds an option taking a size ("64K"); bytes holds its default, shown as default_text.
CLI::Option* add_size(CLI::App& app,
                      const std::string& name,
                      std::uint64_t& bytes,
                      const std::string& help,
                      const std::string& default_text);
// Adds an option taking a duration ("30s"); ms holds its default, shown as default_text.
CLI::Option* add_duration(CLI::App& app,
                          const std::string& name,
                          std::uint64_t& ms,
                          const std::string& help,
                          const std::string& default_text);
// Adds an option taking one of choices (shown in the help as a|b|c).
CLI::Option* add_choice(CLI::App& app,
                        const std::string& name,
                        std::string& value,
                        const std::vector<std::string>& choices,
                        const std::string& help);

// CLI11 transformers turning sizes and durations into plain numbers (bytes, milliseconds).
CLI::Validator size_value();
CLI::Validator duration_ms_value();

} // namespace shoal::cfg
