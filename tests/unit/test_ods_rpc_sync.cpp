// Unit tests for ods-rpc-sync's core: flag names (nothing may leave the directory), the two
// update forms with bad input, the last-writer-wins order and the state database (tombstones
// keep a cleared flag cleared; the state survives a reopen) and the flag files themselves.
#include "flag_dir.hpp"
#include "flag_name.hpp"
#include "state_db.hpp"
#include "temp_dir.hpp"
#include "update.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace shoal::odsrpcsync;

namespace {

using testutil::TempDir;

Update
make(std::string origin, std::uint64_t ts, Op op, std::string name, std::string value = {})
{
  return Update{std::move(origin), ts, op, std::move(name), std::move(value)};
}

} // namespace

TEST_CASE("flag names are <zone>.<flag> and never a path", "[ods_rpc_sync]")
{
  for (const char* ok :
       {"example.com.signed", "a-b-c.d.e.chained", "x.y.invalid", "0.in-addr.dsttl"})
    CHECK(valid_flag_name(ok));
  for (const char* bad : {"",
                          "signed",
                          ".signed",
                          "example..signed",
                          "example.com.",
                          "../x.signed",
                          "a/b.signed",
                          "example.com.Signed",
                          "example.com.sign3d",
                          ".example.com.signed",
                          "exa mple.signed",
                          "example.com.signed.tmp1",
                          "example.com.signed\n",
                          "example.signing",
                          "README.md",
                          "EXAMPLE.org.dsttl",
                          "a_b.example.signed",
                          "-a.example.signed",
                          "a-.example.signed",
                          "a--b.example.signed"})
    CHECK_FALSE(valid_flag_name(bad));
  CHECK_FALSE(valid_flag_name(std::string(64, 'a') + ".org.signed")); // a label over 63
  CHECK(valid_flag_name(std::string(63, 'a') + ".org.signed"));
}

TEST_CASE("updates round-trip in shoal's form", "[ods_rpc_sync]")
{
  for (const Update& u :
       {make("node-1", 1732280000123456789ULL, Op::set, "example.com.signed", "1732280000"),
        make("n2", 5, Op::set, "example.com.signing"), // true: an empty value
        make("n3", 6, Op::clear, "example.com.chained"),
        make("n4", 7, Op::set, "example.com.invalid", "bad DS\t\"quoted\" \\ and spaces")}) {
    std::string line = encode_update(u);
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1); // one line whatever the value
    auto back = parse_update(line);
    REQUIRE(back.ok());
    CHECK(*back == u);
  }
  CHECK(encode_update(make("a", 1, Op::set, "z.example.signed", "x")) ==
        "ods-rpc-sync/1 a 1 SET z.example.signed x\n");
}

TEST_CASE("bad updates are refused with a reason", "[ods_rpc_sync]")
{
  for (const char* bad :
       {"", "garbage", "ods-rpc-sync/2 a 1 SET z.example.signed x",
        "ods-rpc-sync/1 a 1 SET z.example.signed", "ods-rpc-sync/1 a x SET z.example.signed v",
        "ods-rpc-sync/1 a -1 SET z.example.signed v", "ods-rpc-sync/1 a/b 1 SET z.example.signed v",
        "ods-rpc-sync/1 a 1 PUT z.example.signed v", "ods-rpc-sync/1 a 1 CLEAR z.example.signed v",
        "ods-rpc-sync/1 a 1 SET ../../etc/passwd.signed v",
        "ods-rpc-sync/1 a 1 SET z.example.signed \\q",
        "ods-rpc-sync/1 a 1 SET z.example.signed a\\nb"}) {
    auto u = parse_update(bad);
    INFO(bad);
    REQUIRE_FALSE(u.ok());
    CHECK(u.error().code == shoal::core::Errc::bad_data);
    CHECK(u.error().message.rfind("bad update: ", 0) == 0);
  }
  std::string big = "ods-rpc-sync/1 a 1 SET z.example.signed " + std::string(max_value + 1, 'v');
  CHECK_FALSE(parse_update(big).ok());
}

TEST_CASE("a message of several update lines is read whole or refused whole", "[ods_rpc_sync]")
{
  Update a = make("a", 1, Op::set, "z.example.signed", "x");
  Update b = make("b", 2, Op::clear, "z.example.chained");
  Update c = make("c", 3, Op::set, "y.example.signing");
  auto all = parse_updates(encode_update(a) + encode_update(b) + encode_update(c));
  REQUIRE(all.ok());
  CHECK(*all == std::vector<Update>{a, b, c});
  std::string last_unterminated = encode_update(a) + encode_update(b);
  last_unterminated.pop_back();
  CHECK(parse_updates(last_unterminated)->size() == 2);

  auto bad = parse_updates(encode_update(a) + "garbage\n" + encode_update(c));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("line 2: ") != std::string::npos);
  CHECK_FALSE(parse_updates(encode_update(a) + "\n").ok()); // an empty line is not an update
  CHECK_FALSE(parse_updates("").ok());
}

TEST_CASE("the original's cluster text is read and written", "[ods_rpc_sync]")
{
  auto set = parse_legacy("1732280000 SET example.com.signed 1732279000\n", "peer");
  REQUIRE(set.ok());
  CHECK(*set ==
        make("peer", 1732280000ULL * 1000000000ULL, Op::set, "example.com.signed", "1732279000"));
  auto flag = parse_legacy("1732280000 SET example.com.signing ", "peer");
  REQUIRE(flag.ok());
  CHECK(flag->value.empty());
  auto clear = parse_legacy("1732280001 CLEAR example.com.signing ", "peer");
  REQUIRE(clear.ok());
  CHECK(clear->op == Op::clear);
  CHECK(encode_legacy(*set) == "1732280000 SET example.com.signed 1732279000\n");
  CHECK(encode_legacy(*flag) == "1732280000 SET example.com.signing ");
  CHECK(encode_legacy(*clear) == "1732280001 CLEAR example.com.signing ");
  for (const char* bad : {"x SET a.signed", "1 DROP a.signed ", "1 SET ../a.signed ", "1 SET"})
    CHECK_FALSE(parse_legacy(bad, "peer").ok());
}

TEST_CASE("last writer wins by time, then by node id", "[ods_rpc_sync]")
{
  CHECK(newer(2, "a", 1, "z"));
  CHECK_FALSE(newer(1, "z", 2, "a"));
  CHECK(newer(5, "b", 5, "a")); // a tie in time: every node picks the same winner
  CHECK_FALSE(newer(5, "a", 5, "b"));
  CHECK_FALSE(newer(5, "a", 5, "a"));
}

TEST_CASE("the state database decides, keeps tombstones and survives a reopen", "[ods_rpc_sync]")
{
  TempDir dir;
  std::string path = dir.file("state.db");
  {
    auto db = StateDb::open(path);
    REQUIRE(db.ok());
    StateDb& s = **db;
    // Decides against what the database knows, as the node does after a restart.
    auto judge = [&](const Update& u) {
      auto known = s.get(u.name);
      REQUIRE(known.ok());
      return decide(known->has_value() ? &**known : nullptr, u);
    };
    Update set = make("a", 100, Op::set, "z.example.signed", "42");
    CHECK(judge(set) == Decision::apply);
    REQUIRE(s.record(set).ok());
    CHECK(judge(set) == Decision::same); // our own change coming back
    CHECK(judge(make("b", 99, Op::set, "z.example.signed", "41")) == Decision::stale);
    Update clear = make("b", 200, Op::clear, "z.example.signed");
    CHECK(judge(clear) == Decision::apply);
    REQUIRE(s.record(clear).ok());
    // The case the original left open: an older SET delivered late must not resurrect it.
    CHECK(judge(make("c", 150, Op::set, "z.example.signed", "40")) == Decision::stale);
    CHECK(judge(make("c", 201, Op::set, "z.example.signed", "43")) == Decision::apply);
    CHECK(judge(make("a", 200, Op::set, "z.example.signed", "44")) == Decision::stale); // a < b
    CHECK(judge(make("c", 200, Op::set, "z.example.signed", "45")) == Decision::apply); // c > b
  }
  auto db = StateDb::open(path);
  REQUIRE(db.ok());
  auto known = (*db)->get("z.example.signed");
  REQUIRE(known.ok());
  REQUIRE(known->has_value());
  CHECK(**known == StateDb::Version{200, "b", false, ""});
  REQUIRE((*db)->record(make("a", 7, Op::set, "a.signing")).ok());
  auto all = (*db)->all();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].first == "a.signing");
  CHECK((*all)[0].second.present);
  CHECK((*all)[1].first == "z.example.signed");
  CHECK_FALSE(StateDb::open(dir.file("missing/dir/state.db")).ok());
}

TEST_CASE("flag files follow ods-rpc's encoding and keep the change's time", "[ods_rpc_sync]")
{
  TempDir dir;
  auto none = read_flag(dir.path(), "z.example.signed");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  std::uint64_t ts = 1732280000123456789ULL;
  REQUIRE(write_flag(dir.path(), "z.example.signed", "1732279000", ts).ok());
  REQUIRE(write_flag(dir.path(), "z.example.signing", "", ts + 1).ok());
  auto value = read_flag(dir.path(), "z.example.signed");
  REQUIRE(value.ok());
  CHECK(**value == FlagFile{"1732279000", ts}); // the origin's time, to the nanosecond
  std::ifstream raw(dir.file("z.example.signed"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(raw)), std::istreambuf_iterator<char>());
  CHECK(bytes == "1732279000\n");
  CHECK(std::filesystem::file_size(dir.file("z.example.signing")) == 0); // true: an empty file

  // Files ods-rpc would not read are refused; temporary and stray files are not flags.
  std::ofstream(dir.file("z.example.invalid")) << "two\nlines\n";
  CHECK(read_flag(dir.path(), "z.example.invalid").error().code == shoal::core::Errc::bad_data);
  std::filesystem::remove(dir.file("z.example.invalid"));
  std::ofstream(dir.file(".z.chained.ods-rpc-sync")) << "";
  std::ofstream(dir.file("README")) << "not a flag\n";
  auto all = list_flags(dir.path());
  REQUIRE(all.ok());
  CHECK(*all == std::vector<std::string>{"z.example.signed", "z.example.signing"});
  CHECK(read_flag(dir.path(), "z.example.signing")->value().value.empty());

  REQUIRE(remove_flag(dir.path(), "z.example.signed").ok());
  REQUIRE(remove_flag(dir.path(), "z.example.signed").ok()); // already gone: fine
  CHECK_FALSE(read_flag(dir.path(), "z.example.signed")->has_value());
  CHECK_FALSE(write_flag(dir.file("missing"), "z.example.signed", "1", ts).ok());
}

TEST_CASE("flag writes reuse the spare file only when it is safe to", "[ods_rpc_sync]")
{
  namespace fs = std::filesystem;
  TempDir dir;
  std::uint64_t ts = 1732280000000000000ULL;
  auto content = [&](const std::string& name) {
    std::ifstream in(dir.file(name), std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  REQUIRE(write_flag(dir.path(), "z.example.signed", "a much longer first value", ts).ok());
  CHECK_FALSE(fs::exists(dir.file(std::string(spare_name)))); // a new flag takes the spare
  REQUIRE(write_flag(dir.path(), "z.example.signed", "short", ts + 1).ok());
  CHECK(content("z.example.signed") == "short\n"); // no tail of the longer old value
  CHECK(content(std::string(spare_name)) == "a much longer first value\n");
  REQUIRE(write_flag(dir.path(), "z.example.other", "", ts + 2).ok());
  CHECK(content("z.example.other").empty());
  CHECK(*list_flags(dir.path()) == std::vector<std::string>{"z.example.other", "z.example.signed"});

  // A flag hard-linked elsewhere: its old inode is not written into when it becomes the spare.
  fs::create_hard_link(dir.file("z.example.signed"), dir.file("keep"));
  REQUIRE(write_flag(dir.path(), "z.example.signed", "second", ts + 3).ok());
  REQUIRE(write_flag(dir.path(), "z.example.signed", "third", ts + 4).ok());
  CHECK(content("keep") == "short\n");
  CHECK(content("z.example.signed") == "third\n");

  // A spare that is a symlink is replaced, not followed.
  fs::remove(dir.file(std::string(spare_name)));
  fs::create_symlink(dir.file("keep"), dir.file(std::string(spare_name)));
  REQUIRE(write_flag(dir.path(), "z.example.signed", "fourth", ts + 5).ok());
  CHECK(content("keep") == "short\n");
  CHECK(content("z.example.signed") == "fourth\n");

  // A flag someone still holds open (a writer that opened it just before it was replaced):
  // its old inode does not become the next flag, where that late write would land.
  int held = ::open(dir.file("z.example.other").c_str(), O_WRONLY);
  REQUIRE(held >= 0);
  REQUIRE(write_flag(dir.path(), "z.example.other", "replaced", ts + 6).ok()); // -> the spare
  REQUIRE(write_flag(dir.path(), "z.example.signed", "next", ts + 7).ok());
  CHECK(::pwrite(held, "late\n", 5, 0) == 5);
  ::close(held);
  CHECK(content("z.example.signed") == "next\n");
  CHECK(content("z.example.other") == "replaced\n");

  // Permission bits: every flag written gets those of a new file, whatever the spare had.
  auto mode = [&](const std::string& name) { return fs::status(dir.file(name)).permissions(); };
  auto fresh = mode("z.example.other");
  fs::permissions(dir.file("z.example.signed"), fs::perms::owner_read | fs::perms::owner_write);
  REQUIRE(write_flag(dir.path(), "z.example.signed", "fifth", ts + 8).ok()); // 0600 -> spare
  REQUIRE(write_flag(dir.path(), "z.example.other", "x", ts + 9).ok());
  CHECK(mode("z.example.other") == fresh);
  CHECK(mode("z.example.signed") == fresh);
  CHECK(read_flag(dir.path(), "z.example.other")->value() == FlagFile{"x", ts + 9});
}
