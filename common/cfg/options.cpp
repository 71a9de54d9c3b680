// Common options, the parse entry point with shoal's error conventions, and value syntaxes.
#include "cfg/options.hpp"

#include "cfg/ini_config.hpp"

#include <sysexits.h>

#include <charconv>
#include <cstdio>

namespace shoal::cfg {

void
add_common_options(CLI::App& app, CommonOptions& common)
{
  app.config_formatter(std::make_shared<IniConfig>());
  app.set_config("--config", "", "read options from FILE (name = value lines, names as the flags)")
      ->type_name("FILE");
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.add_flag("--check-config", common.check_config,
               "validate the options and the config file, then exit");
  add_choice(app, "--log-level", common.log_level, {"debug", "info", "warn", "error"},
             "least severe messages to log");
  app.set_version_flag("--version", app.get_name() + " (shoal) " SHOAL_VERSION);
}

CLI::Option*
add_size(CLI::App& app,
         const std::string& name,
         std::uint64_t& bytes,
         const std::string& help,
         const std::string& default_text)
{
  return app.add_option(name, bytes, help)
      ->transform(size_value())
      ->type_name("SIZE")
      ->default_str(default_text);
}

CLI::Option*
add_duration(CLI::App& app,
             const std::string& name,
             std::uint64_t& ms,
             const std::string& help,
             const std::string& default_text)
{
  return app.add_option(name, ms, help)
      ->transform(duration_ms_value())
      ->type_name("DURATION")
      ->default_str(default_text);
}

CLI::Option*
add_choice(CLI::App& app,
           const std::string& name,
           std::string& value,
           const std::vector<std::string>& choices,
           const std::string& help)
{
  std::string names;
  for (const auto& c : choices)
    names += (names.empty() ? "" : "|") + c;
  return app.add_option(name, value, help)
      ->check(CLI::IsMember(choices).description(""))
      ->type_name(names)
      ->capture_default_str();
}

int
parse(CLI::App& app, int argc, char** argv, CommonOptions& common)
{
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    bool config =
        dynamic_cast<const CLI::ConfigError*>(&e) || dynamic_cast<const CLI::FileError*>(&e);
    std::string message = e.what();
    // CLI11 says "INI was not able to parse NAME" for a name no option has.
    if (std::string_view prefix = "INI was not able to parse "; message.starts_with(prefix))
      message = "unknown option '" + message.substr(prefix.size()) + "' in the config file";
    std::fprintf(stderr, "%s: error: %s\n", app.get_name().c_str(), message.c_str());
    if (!config)
      std::fprintf(stderr, "run '%s --help' for the options\n", app.get_name().c_str());
    return config ? EX_CONFIG : EX_USAGE;
  }
  if (const CLI::Option* config = app.get_config_ptr(); config && config->count())
    common.config_file = config->as<std::string>();
  core::LogLevel level{};
  if (core::parse_log_level(common.log_level, level))
    core::set_log_level(level);
  return -1;
}

int
report(const char* tool, const core::Error& error)
{
  std::fprintf(stderr, "%s: error: %s\n", tool, error.message.c_str());
  return core::exit_code(error.code);
}

int
guard_main(const char* tool, const std::function<int()>& body)
{
  try {
    return body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: error: unknown exception\n", tool);
  }
  return EX_SOFTWARE;
}

namespace {
// Splits "123abc" into 123 and "abc"; fails without digits or on overflow.
bool
split_number(std::string_view text, std::uint64_t& number, std::string_view& unit)
{
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data())
    return false;
  unit = text.substr(static_cast<std::size_t>(end - text.data()));
  return true;
}

core::Result<std::uint64_t>
scaled(std::uint64_t number, std::uint64_t factor, std::string_view text)
{
  if (factor && number > UINT64_MAX / factor)
    return core::make_error(core::Errc::config, "value too large: " + std::string(text));
  return number * factor;
}
} // namespace

core::Result<std::uint64_t>
parse_size(std::string_view text)
{
  std::uint64_t number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit))
    return core::make_error(core::Errc::config, "not a size: '" + std::string(text) + "'");
  static const std::pair<std::string_view, std::uint64_t> units[] = {
      {"", 1},           {"B", 1},
      {"K", 1ULL << 10}, {"KiB", 1ULL << 10},
      {"M", 1ULL << 20}, {"MiB", 1ULL << 20},
      {"G", 1ULL << 30}, {"GiB", 1ULL << 30},
      {"T", 1ULL << 40}, {"TiB", 1ULL << 40}};
  for (const auto& [name, factor] : units)
    if (unit == name)
      return scaled(number, factor, text);
  return core::make_error(core::Errc::config,
                          "not a size: '" + std::string(text) + "' (use K, M, G or T)");
}

core::Result<std::uint64_t>
parse_duration_ms(std::string_view text)
{
  std::uint64_t number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit))
    return core::make_error(core::Errc::config, "not a duration: '" + std::string(text) + "'");
  static const std::pair<std::string_view, std::uint64_t> units[] = {
      {"ms", 1}, {"", 1000}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
  for (const auto& [name, factor] : units)
    if (unit == name)
      return scaled(number, factor, text);
  return core::make_error(core::Errc::config,
                          "not a duration: '" + std::string(text) + "' (use ms, s, m, h or d)");
}

namespace {
CLI::Validator
number_transform(core::Result<std::uint64_t> (*parse_fn)(std::string_view))
{
  return CLI::Validator(
      [parse_fn](std::string& value) -> std::string {
        auto parsed = parse_fn(value);
        if (!parsed)
          return parsed.error().message;
        value = std::to_string(*parsed);
        return {};
      },
      "");
}
} // namespace

CLI::Validator
size_value()
{
  return number_transform(parse_size);
}

CLI::Validator
duration_ms_value()
{
  return number_transform(parse_duration_ms);
}

} // namespace shoal::cfg
