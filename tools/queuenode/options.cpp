// queuenode's option table and the checks that tie options together.
#include "options.hpp"

#include "cfg/options.hpp"
#include "proto/codes.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>

namespace shoal::queuenode {

void
add_options(CLI::App& app, Options& opts)
{
  cfg::add_common_options(app, opts.common);
  server::add_listen_option(app, opts);
  app.add_option("--data-dir", opts.data_dir, "directory of the queue files")
      ->capture_default_str()
      ->type_name("DIR");
  cfg::add_size(app, "--channel-size", opts.channel_size,
                "memory ring of a channel (of each subscriber of it)", "64M");
  app.add_option("--channel-size-for", opts.channel_size_texts,
                 "PREFIX=SIZE: the ring size of the channels whose name starts with PREFIX "
                 "(repeatable; the longest prefix wins)")
      ->type_name("PREFIX=SIZE");
  cfg::add_size(app, "--size-limit", opts.size_limit,
                "memory of all rings together, full or not; 0: no limit", "0");
  cfg::add_size(app, "--overflow-limit", opts.overflow_limit,
                "disk space for records that do not fit in memory; 0: no overflow", "1G");
  cfg::add_size(app, "--max-value", opts.max_value, "largest record accepted", "1M");
  app.add_option("--max-subscribers", opts.max_subscribers, "subscribers per channel")
      ->capture_default_str()
      ->type_name("N");
  cfg::add_duration(app, "--subscriber-idle", opts.subscriber_idle_ms,
                    "drop a named subscription nobody consumed for this long", "24h");
  app.add_flag("--durable", opts.durable,
               "journal every push and sync it to disk before acknowledging it");
  cfg::add_duration(app, "--sync-interval", opts.sync_interval_ms,
                    "how long the journal gathers pushes before one sync (--durable; 0: none)",
                    "1ms");
  server::add_serve_options(app, opts);
}

namespace {
core::Status
parse_channel_sizes(Options& opts)
{
  for (const auto& text : opts.channel_size_texts) {
    auto eq = text.find('=');
    auto bad = [&](const std::string& why) {
      return core::make_error(core::Errc::config, "--channel-size-for " + text + ": " + why);
    };
    if (eq == std::string::npos)
      return bad("expected PREFIX=SIZE");
    std::string prefix = text.substr(0, eq);
    if (!prefix.empty() && !proto::valid_channel_name(prefix))
      return bad("the prefix must be made of channel name characters");
    auto size = cfg::parse_size(text.substr(eq + 1));
    if (!size)
      return bad(size.error().message);
    opts.channel_sizes.emplace_back(prefix, *size);
  }
  // Longest prefix first, so that the first match is the most specific.
  std::stable_sort(opts.channel_sizes.begin(), opts.channel_sizes.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return {};
}
} // namespace

core::Status
finish_options(Options& opts)
{
  SHOAL_TRY(server::finish_serve_options(opts));
  SHOAL_TRY(parse_channel_sizes(opts));
  if (opts.channel_size < 1024)
    return core::make_error(core::Errc::config, "--channel-size must be at least 1K");
  if (opts.max_value == 0)
    return core::make_error(core::Errc::config, "--max-value must be positive");
  return {};
}

std::uint64_t
ring_size_for(const Options& opts, std::string_view channel)
{
  for (const auto& [prefix, size] : opts.channel_sizes)
    if (channel.starts_with(prefix))
      return size;
  return opts.channel_size;
}

} // namespace shoal::queuenode
