// Unit tests for ods-rpc-sync's convergence pieces: summaries (wire form, parts, comparison),
// the merge of incoming streams, the local-change rule, batches of the state database.
#include "flag_dir.hpp"
#include "local_change.hpp"
#include "merge_queue.hpp"
#include "persist.hpp"
#include "state_db.hpp"
#include "summary.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace shoal::odsrpcsync;
using testutil::TempDir;

namespace {

FlagMap
flags_of(std::size_t n, std::uint64_t ts = 100, std::string origin = "a")
{
  FlagMap m;
  for (std::size_t i = 0; i < n; ++i)
    m["zone" + std::to_string(i) + ".example.signed"] =
        FlagVersion{ts + i, origin, i % 3 != 0, "v"};
  return m;
}

Update
set(std::string origin, std::uint64_t ts, std::string name, std::string value = "1")
{
  return Update{std::move(origin), ts, Op::set, std::move(name), std::move(value)};
}

} // namespace

TEST_CASE("summaries go out in parts and come back whole", "[ods_rpc_sync]")
{
  FlagMap mine = flags_of(1234);
  auto parts = encode_summary("node-a", 42, true, mine);
  REQUIRE(parts.size() == 3); // 500 + 500 + 234
  SummaryCollector collector;
  std::optional<SummaryPart> whole;
  for (std::size_t i = parts.size(); i-- > 0;) { // any order
    CHECK(is_summary(parts[i]));
    auto part = parse_summary(parts[i]);
    REQUIRE(part.ok());
    CHECK(part->from == "node-a");
    CHECK(part->parts == 3);
    CHECK_FALSE(whole.has_value());
    whole = collector.add(std::move(*part), 1000);
  }
  REQUIRE(whole.has_value());
  CHECK(whole->want_reply);
  REQUIRE(whole->entries.size() == 1234);
  for (const auto& [name, v] : whole->entries) {
    REQUIRE(mine.count(name));
    CHECK(v == VersionId{mine[name].ts_ns, mine[name].origin});
  }

  // An empty state still says so; a repeated part does not complete a summary twice.
  auto empty = encode_summary("b", 1, false, {});
  REQUIRE(empty.size() == 1);
  auto part = parse_summary(empty[0]);
  REQUIRE(part.ok());
  CHECK(part->entries.empty());
  auto first = parse_summary(parts[0]);
  REQUIRE(first.ok());
  CHECK_FALSE(collector.add(*first, 2000).has_value());
  CHECK_FALSE(collector.add(*first, 2000).has_value());
  CHECK(collector.expire(1500) == 0);
  CHECK(collector.expire(2001) == 1); // never completed: forgotten
}

TEST_CASE("malformed summaries are refused with a reason", "[ods_rpc_sync]")
{
  std::string head = "ods-rpc-sync/1 a 0 SUMMARY 7 1 1 0\n";
  CHECK(parse_summary(head + "z.example.signed 5 b\n").ok());
  for (std::string bad : {
           std::string("ods-rpc-sync/1 a 0 SUMMARY 7 1 1 0"),     // no newline
           std::string("ods-rpc-sync/1 a 0 SUMMARY 7 2 1 0\n"),   // part past parts
           std::string("ods-rpc-sync/1 a 0 SUMMARY 7 0 1 0\n"),   // part 0
           std::string("ods-rpc-sync/1 a 0 SUMMARY 7 1 1 2\n"),   // reply not 0/1
           std::string("ods-rpc-sync/1 a/b 0 SUMMARY 7 1 1 0\n"), // node id
           head + "../etc/passwd 5 b\n",                          // not a flag name
           head + "z.example.signed 5\n",                         // no origin
           head + "z.example.signed x b\n",                       // no time
           head + "z.example.signed 5 b",                         // no newline
       }) {
    auto r = parse_summary(bad);
    CHECK_FALSE(r.ok());
    if (!r.ok())
      CHECK(r.error().code == shoal::core::Errc::bad_data);
  }
  std::string many = head;
  for (int i = 0; i <= 500; ++i)
    many.append("z")
        .append(std::to_string(i))
        .append(".example.signed 5 b\n"); // (gcc 12 -Wrestrict on +)
  CHECK_FALSE(parse_summary(many).ok());  // more entries than a part may hold
}

TEST_CASE("comparing summaries finds what each side lacks", "[ods_rpc_sync]")
{
  FlagMap mine;
  mine["a.example.signed"] = {10, "x", true, "1"}; // same on both
  mine["b.example.signed"] = {20, "x", true, "1"}; // newer here
  mine["c.example.signed"] = {30, "x", false, ""}; // a tombstone the peer lacks
  mine["d.example.signed"] = {40, "x", true, "1"}; // older here
  std::vector<std::pair<std::string, VersionId>> theirs = {
      {"a.example.signed", {10, "x"}},
      {"b.example.signed", {19, "y"}},
      {"d.example.signed", {40, "y"}}, // same time, greater node id: theirs wins
  };
  auto diff = compare_summary(mine, theirs);
  CHECK(diff.to_send == std::vector<std::string>{"b.example.signed", "c.example.signed"});
  CHECK(diff.peer_ahead);
  theirs.pop_back();
  CHECK_FALSE(compare_summary(mine, theirs).peer_ahead);
  theirs.push_back({"e.example.signed", {1, "y"}}); // a flag unknown here
  CHECK(compare_summary(mine, theirs).peer_ahead);
}

TEST_CASE("the merge queue releases updates in time order after the window", "[ods_rpc_sync]")
{
  MergeQueue q(5);
  q.push({set("b", 300, "z.example.signed"), 1, 100});
  q.push({set("a", 100, "z.example.chaining"), 2, 102}); // older, but delivered later
  q.push({set("c", 200, "z.example.chained"), 3, 103});
  CHECK(q.pop_due(104).empty());
  CHECK(q.next_due_ms() == 107); // the oldest update's arrival + the window
  auto out = q.pop_due(108);
  REQUIRE(out.size() == 3); // once the oldest is due, the younger ones that came before follow
  CHECK(out[0].update.ts_ns == 100);
  CHECK(out[1].update.ts_ns == 200);
  CHECK(out[2].update.ts_ns == 300);
  CHECK(q.empty());

  q.push({set("a", 10, "z.example.signed"), 4, 200});
  q.push({set("b", 10, "z.example.signed"), 5, 200}); // same time: by node id
  q.push({set("a", 50, "z.example.signed"), 6, 210});
  out = q.pop_due(206);
  REQUIRE(out.size() == 2);
  CHECK(out[0].update.origin == "a");
  CHECK(out[1].update.origin == "b");
  CHECK(q.size() == 1); // still within its window
}

TEST_CASE("a local change is what differs from the known version", "[ods_rpc_sync]")
{
  FlagFile file{"7", 1000};
  FlagVersion same{1000, "a", true, "7"};
  CHECK_FALSE(local_change("a", "z.example.signed", file, &same, 5000));
  CHECK_FALSE(local_change("a", "z.example.signed", std::nullopt, nullptr, 5000));
  FlagVersion tomb{900, "b", false, ""};
  CHECK_FALSE(local_change("a", "z.example.signed", std::nullopt, &tomb, 5000));

  auto u = local_change("a", "z.example.signed", file, nullptr, 5000); // a new flag
  REQUIRE(u);
  CHECK(*u == Update{"a", 1000, Op::set, "z.example.signed", "7"});
  u = local_change("a", "z.example.signed", std::nullopt, &same, 5000); // removed
  REQUIRE(u);
  CHECK(*u == Update{"a", 5000, Op::clear, "z.example.signed", ""});
  FlagFile touched{"7", 2000};
  u = local_change("a", "z.example.signed", touched, &same, 5000); // touched: the new time
  REQUIRE(u);
  CHECK(u->ts_ns == 2000);
  // A file dated before the version it replaces (a clock behind, or one tick for two writes)
  // is dated just after it: the operator's change must win.
  FlagVersion ahead{3000, "z", true, "old"};
  u = local_change("a", "z.example.signed", file, &ahead, 5000);
  REQUIRE(u);
  CHECK(u->ts_ns == 3001);
  u = local_change("a", "z.example.signed", std::nullopt, &ahead, 2500);
  REQUIRE(u);
  CHECK(u->ts_ns == 3001);
}

TEST_CASE("a batch writes remote flags and records everything once", "[ods_rpc_sync]")
{
  TempDir dir;
  std::string flags = dir.file("flags");
  std::filesystem::create_directory(flags);
  auto db = StateDb::open(dir.file("state.db"));
  REQUIRE(db.ok());
  std::ofstream(flags + "/z.example.chaining") << "";
  std::ofstream(flags + "/z.example.chained") << "local\n"; // changed here, not seen yet
  std::uint64_t chaining_mtime = read_flag(flags, "z.example.chaining")->value().mtime_ns;
  PersistBatch batch;
  auto item = [](Update u, bool remote, std::optional<FlagVersion> before) {
    return PersistItem{std::move(u), remote, 7, 0, std::move(before), false, false};
  };
  batch.items.push_back(item(set("b", 1111, "z.example.signed", "42"), true, std::nullopt));
  batch.items.push_back(item(Update{"b", 1112, Op::clear, "z.example.chaining", ""}, true,
                             FlagVersion{chaining_mtime, "a", true, ""}));
  batch.items.push_back(item(set("a", 1113, "z.example.waiveds", ""), false, std::nullopt));
  batch.items.push_back(item(set("b", 1114, "z.example.chained", "remote"), true, std::nullopt));
  batch.items.push_back(item(set("b", 1115, "../escape.signed", "x"), true, std::nullopt));
  persist_batch(batch, flags, **db);
  CHECK(batch.db_status.ok());
  CHECK(batch.items[0].written);
  CHECK(batch.items[1].written);
  CHECK(batch.items[2].written);
  CHECK_FALSE(batch.items[3].written); // never overwritten unseen
  CHECK(batch.items[3].conflict);
  CHECK_FALSE(batch.items[4].written);
  auto signed_flag = read_flag(flags, "z.example.signed");
  REQUIRE(signed_flag.ok());
  REQUIRE(signed_flag->has_value());
  CHECK(**signed_flag == FlagFile{"42", 1111});
  CHECK_FALSE(std::filesystem::exists(flags + "/z.example.chaining"));
  CHECK(read_flag(flags, "z.example.chained")->value().value == "local");
  auto all = (*db)->all();
  REQUIRE(all.ok());
  CHECK(all->size() == 3); // the three written, nothing else
  auto chaining = (*db)->get("z.example.chaining");
  REQUIRE(chaining.ok());
  REQUIRE(chaining->has_value());
  CHECK_FALSE((*chaining)->present); // a tombstone
  CHECK_FALSE((*db)->get("z.example.chained")->has_value());
}

TEST_CASE("list_flags and set_flag_mtime", "[ods_rpc_sync]")
{
  TempDir dir;
  std::ofstream(dir.file("b.example.signed")) << "1\n";
  std::ofstream(dir.file("a.example.signing")) << "";
  std::ofstream(dir.file(".a.example.signed.ods-rpc-sync")) << "";
  std::ofstream(dir.file("notes.txt")) << "";
  std::filesystem::create_directory(dir.file("c.example.signed")); // not a file
  auto names = list_flags(dir.path());
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"a.example.signing", "b.example.signed"});
  REQUIRE(set_flag_mtime(dir.path(), "b.example.signed", 1234567890123456789ULL).ok());
  CHECK(read_flag(dir.path(), "b.example.signed")->value().mtime_ns == 1234567890123456789ULL);
  CHECK(set_flag_mtime(dir.path(), "gone.example.signed", 1).ok());
  CHECK_FALSE(list_flags(dir.file("missing")).ok());
}

TEST_CASE("pending versions are synced by a pass, or written again after a crash", "[ods_rpc_sync]")
{
  TempDir dir;
  std::string flags = dir.file("flags");
  std::filesystem::create_directory(flags);
  auto db = StateDb::open(dir.file("state.db"));
  REQUIRE(db.ok());
  PersistBatch batch;
  batch.seq = 3;
  batch.items.push_back({set("b", 2222, "z.example.signed", "9"), true, 1, 0, std::nullopt});
  batch.items.push_back({set("a", 2223, "z.example.dsttl", "60"), false, 0, 0, std::nullopt});
  persist_batch(batch, flags, **db);
  REQUIRE(batch.db_status.ok());
  auto pending = (*db)->pending();
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 1); // the remote one only: the local file is ods-rpc's
  CHECK((*pending)[0].first == "z.example.signed");

  // A crash before the pass: the file is lost; the start-up recovery writes it again.
  std::filesystem::remove(flags + "/z.example.signed");
  auto recovered = recover_pending(flags, **db);
  REQUIRE(recovered.ok());
  CHECK(*recovered == 1);
  CHECK(read_flag(flags, "z.example.signed")->value() == FlagFile{"9", 2222});
  CHECK((*db)->pending()->empty());

  batch.seq = 4;
  batch.items.resize(1);
  batch.items[0] = {set("b", 3333, "z.example.signed", "10"), true, 1, 0,
                    FlagVersion{2222, "b", true, "9"}};
  persist_batch(batch, flags, **db);
  REQUIRE(batch.items[0].written);
  CHECK((*db)->pending()->size() == 1);
  REQUIRE(sync_pass(flags, **db, 3).ok()); // an older pass does not cover batch 4
  CHECK((*db)->pending()->size() == 1);
  REQUIRE(sync_pass(flags, **db, 4).ok());
  CHECK((*db)->pending()->empty());
  CHECK(*recover_pending(flags, **db) == 0);
}
