// status: the status file, its age, and whether its pid still runs.
#include "status_command.hpp"

#include "cfg/options.hpp"
#include "core/clock.hpp"
#include "store/atomic_file.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <signal.h>
#include <sysexits.h>

#include <cerrno>
#include <charconv>

namespace shoal::odsrpcsync {

namespace {

// The number after "key:" on its own line of text, or 0.
std::uint64_t
field(std::string_view text, std::string_view key)
{
  std::string needle = "\n" + std::string(key) + ":";
  std::string padded = "\n" + std::string(text);
  auto at = padded.find(needle);
  if (at == std::string::npos)
    return 0;
  std::uint64_t v = 0;
  const char* p = padded.data() + at + needle.size();
  std::from_chars(p, padded.data() + padded.size(), v);
  return v;
}

} // namespace

int
run_status(int argc, char** argv)
{
  CLI::App app{"ods-rpc-sync status: the state of the running ods-rpc-sync", "ods-rpc-sync status"};
  std::string state_dir = "/var/lib/ods-rpc-sync";
  std::uint64_t max_age_ms = 5000;
  app.add_option("--state-dir", state_dir, "the daemon's --state-dir")->capture_default_str();
  cfg::add_duration(app, "--max-age", max_age_ms,
                    "a status older than this means the daemon is not running", "5s");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : EX_USAGE;
  }
  auto text = store::read_file(state_dir + "/status", 1 << 24);
  if (!text) {
    fmt::print(stderr, "ods-rpc-sync: status: {} (is ods-rpc-sync running with --state-dir {}?)\n",
               text.error().message, state_dir);
    return EX_UNAVAILABLE;
  }
  std::uint64_t updated = field(*text, "updated_ns"), now = core::unix_ns();
  std::uint64_t age_ms = now > updated ? (now - updated) / 1'000'000 : 0;
  fmt::print("{}age_ms:{}\n", *text, age_ms);
  auto pid = static_cast<pid_t>(field(*text, "pid"));
  bool alive = pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
  if (!alive || age_ms > max_age_ms) {
    fmt::print(stderr, "ods-rpc-sync: status: {}\n",
               alive ? fmt::format("stale: last written {} ms ago", age_ms)
                     : fmt::format("process {} is not running", pid));
    return EX_UNAVAILABLE;
  }
  return 0;
}

} // namespace shoal::odsrpcsync
