// Unit tests for common/cfg: value syntaxes and the shared flag/config-file option table.
#include "cfg/options.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>

using namespace shoal;

TEST_CASE("cfg::parse_size", "[cfg]")
{
  CHECK(*cfg::parse_size("65536") == 65536);
  CHECK(*cfg::parse_size("64K") == 65536);
  CHECK(*cfg::parse_size("64KiB") == 65536);
  CHECK(*cfg::parse_size("2G") == 2ULL << 30);
  CHECK_FALSE(cfg::parse_size("").ok());
  CHECK_FALSE(cfg::parse_size("12Q").ok());
  CHECK_FALSE(cfg::parse_size("-1").ok());
  CHECK_FALSE(cfg::parse_size("99999999999999T").ok());
}

TEST_CASE("cfg::parse_duration_ms", "[cfg]")
{
  CHECK(*cfg::parse_duration_ms("250ms") == 250);
  CHECK(*cfg::parse_duration_ms("30") == 30'000);
  CHECK(*cfg::parse_duration_ms("6h") == 21'600'000);
  CHECK(*cfg::parse_duration_ms("1d") == 86'400'000);
  CHECK_FALSE(cfg::parse_duration_ms("soon").ok());
}

namespace {
struct Fixture {
  CLI::App app{"demo", "demo"};
  cfg::CommonOptions common;
  std::string data_dir = "data";
  std::uint64_t limit = 0;
  std::string path = "/tmp/shoal-test-cfg-" + std::to_string(getpid()) + ".ini";

  Fixture()
  {
    cfg::add_common_options(app, common);
    app.add_option("--data-dir", data_dir);
    app.add_option("--size-limit", limit)->transform(cfg::size_value());
  }
  ~Fixture() { std::remove(path.c_str()); }
  int run(std::vector<std::string> args, const std::string& file)
  {
    std::ofstream(path) << file;
    args.insert(args.begin(), "demo");
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    return cfg::parse(app, static_cast<int>(argv.size()), argv.data(), common);
  }
};
} // namespace

TEST_CASE("cfg: config file names are the flags, underscores allowed", "[cfg]")
{
  Fixture f;
  REQUIRE(f.run({"--config", f.path},
                "# node 1\n[Server]\ndata_dir = /srv/a\n; comment\nsize-limit = 1M\n") == -1);
  CHECK(f.data_dir == "/srv/a");
  CHECK(f.limit == 1ULL << 20);
}

TEST_CASE("cfg: the command line overrides the config file", "[cfg]")
{
  Fixture f;
  REQUIRE(f.run({"--config", f.path, "--data-dir", "/cli"}, "data-dir = /file\n") == -1);
  CHECK(f.data_dir == "/cli");
}

TEST_CASE("cfg: unknown names and malformed lines are config errors", "[cfg]")
{
  Fixture f;
  CHECK(f.run({"--config", f.path}, "bogus = 1\n") == 78);
  Fixture g;
  CHECK(g.run({"--config", g.path}, "just words\n") == 78);
  Fixture h;
  CHECK(h.run({"--size-limit", "lots"}, "") == 64);
}
