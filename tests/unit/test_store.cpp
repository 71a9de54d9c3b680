// Unit tests for common/store: AtomicFile crash safety and the .tcm dump format (bit-exact
// writer, bounds-checked reader on truncated and corrupt files).
#include "temp_dir.hpp"

#include "core/hex.hpp"
#include "store/atomic_file.hpp"
#include "store/tcm.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <vector>

using namespace shoal;
using namespace shoal::store;

namespace {

using testutil::TempDir;

// Installs a write hook for one scope: the fail_at-th call (1-based) fails with ENOSPC.
class FailingWrites
{
public:
  explicit FailingWrites(int fail_at)
  {
    set_write_hook([this, fail_at](int fd, const void* data, std::size_t size) -> ssize_t {
      if (++calls == fail_at) {
        errno = ENOSPC;
        return -1;
      }
      return ::write(fd, data, size);
    });
  }
  ~FailingWrites() { set_write_hook({}); }
  FailingWrites(const FailingWrites&) = delete;
  FailingWrites& operator=(const FailingWrites&) = delete;

  int calls = 0;
};

void
write_raw(const std::string& path, std::string_view bytes)
{
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<long>(bytes.size()));
}

std::string
read_all(const std::string& path)
{
  auto r = read_file(path, 1 << 30);
  REQUIRE(r.ok());
  return *r;
}

std::string
u64le(std::uint64_t v)
{
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i)
    s[static_cast<std::size_t>(i)] = static_cast<char>(v >> (8 * i));
  return s;
}

std::string
record(std::string_view key, std::string_view value)
{
  return u64le(key.size()) + std::string(key) + u64le(value.size()) + std::string(value);
}

using Records = std::vector<std::pair<std::string, std::string>>;

// Reads every record; returns the error message, or "" if the file ended cleanly.
std::string
read_records(TcmReader& reader, Records& out)
{
  TcmRecord rec;
  for (;;) {
    auto more = reader.next(rec);
    if (!more)
      return more.error().message;
    if (!*more)
      return "";
    out.emplace_back(rec.key, rec.value);
  }
}

} // namespace

TEST_CASE("store::AtomicFile publishes on commit only", "[store]")
{
  TempDir dir;
  auto file = AtomicFile::create(dir.file("a"), ".dumping");
  REQUIRE(file.ok());
  std::regex pattern(dir.file("a") + R"(\.[A-Za-z0-9]{6}\.dumping)");
  CHECK(std::regex_match(file->temp_path(), pattern));
  struct stat st {
  };
  REQUIRE(::stat(file->temp_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
  REQUIRE(file->write("hello ").ok());
  REQUIRE(file->write("world").ok());
  CHECK(file->bytes_written() == 11);
  CHECK_FALSE(std::filesystem::exists(dir.file("a")));
  REQUIRE(file->commit().ok());
  CHECK(dir.names() == std::set<std::string>{"a"});
  CHECK(read_all(dir.file("a")) == "hello world");
  CHECK(file->write("x").error().code == core::Errc::usage);
  CHECK(file->commit().error().code == core::Errc::usage);
}

TEST_CASE("store::AtomicFile abort and destructor leave nothing", "[store]")
{
  TempDir dir;
  {
    auto file = AtomicFile::create(dir.file("a"));
    REQUIRE(file.ok());
    REQUIRE(file->write("data").ok());
    file->abort();
    file->abort();
    CHECK(dir.names().empty());
  }
  {
    auto file = AtomicFile::create(dir.file("b"));
    REQUIRE(file.ok());
    REQUIRE(file->write("data").ok());
    CHECK(dir.names().size() == 1);
    AtomicFile moved = std::move(*file);
  }
  CHECK(dir.names().empty());
}

TEST_CASE("store::AtomicFile replaces a file; large writes bypass the buffer", "[store]")
{
  TempDir dir;
  REQUIRE(write_file_atomic(dir.file("f"), "old").ok());
  std::string big(1 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4093)
    big[i] = static_cast<char>(i);
  auto file = AtomicFile::create(dir.file("f"), ".tmp", 4096);
  REQUIRE(file.ok());
  REQUIRE(file->write("head").ok());
  REQUIRE(file->write(big).ok());
  REQUIRE(file->write("tail").ok());
  REQUIRE(file->commit().ok());
  CHECK(read_all(dir.file("f")) == "head" + big + "tail");
  CHECK(dir.names() == std::set<std::string>{"f"});
}

TEST_CASE("store::AtomicFile retries EINTR and short writes", "[store]")
{
  TempDir dir;
  int calls = 0;
  set_write_hook([&calls](int fd, const void* data, std::size_t size) -> ssize_t {
    if (++calls % 2 == 0) {
      errno = EINTR;
      return -1;
    }
    return ::write(fd, data, std::min<std::size_t>(size, 3));
  });
  auto status = write_file_atomic(dir.file("f"), "0123456789abcdef");
  set_write_hook({});
  REQUIRE(status.ok());
  CHECK(read_all(dir.file("f")) == "0123456789abcdef");
  CHECK(calls > 10);
}

TEST_CASE("store::AtomicFile on ENOSPC keeps the old file and removes the temp", "[store]")
{
  TempDir dir;
  const std::string path = dir.file("chan.tcm");
  REQUIRE(write_file_atomic(path, "old contents").ok());
  SECTION("failure in write")
  {
    FailingWrites hook(2);
    auto file = AtomicFile::create(path, ".dumping", 16);
    REQUIRE(file.ok());
    core::Status s;
    for (int i = 0; i < 10 && s.ok(); ++i)
      s = file->write("0123456789");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == core::Errc::io);
    CHECK(s.error().message.find(file->temp_path()) != std::string::npos);
    CHECK(s.error().message.find("No space left") != std::string::npos);
    CHECK(dir.names() == std::set<std::string>{"chan.tcm"});
    CHECK(file->commit().error().code == core::Errc::usage);
  }
  SECTION("failure in commit's flush")
  {
    FailingWrites hook(1);
    auto file = AtomicFile::create(path, ".dumping");
    REQUIRE(file.ok());
    REQUIRE(file->write("new contents").ok());
    CHECK(file->commit().error().code == core::Errc::io);
    CHECK(dir.names() == std::set<std::string>{"chan.tcm"});
  }
  CHECK(read_all(path) == "old contents");
}

TEST_CASE("store::read_file and fsync_dir report errors", "[store]")
{
  TempDir dir;
  CHECK(read_file(dir.file("missing"), 10).error().code == core::Errc::not_found);
  REQUIRE(write_file_atomic(dir.file("f"), "12345").ok());
  CHECK(read_file(dir.file("f"), 4).error().code == core::Errc::bad_data);
  CHECK(*read_file(dir.file("f"), 5) == "12345");
  CHECK(fsync_dir(dir.file("missing")).error().code == core::Errc::io);
  CHECK(AtomicFile::create(dir.file("no/such/dir")).error().code == core::Errc::io);
}

TEST_CASE("store::TcmWriter writes the exact version 0 bytes", "[store]")
{
  TempDir dir;
  auto w = TcmWriter::create(dir.file("c.tcm"));
  REQUIRE(w.ok());
  CHECK(w->temp_path().ends_with(".dumping"));
  REQUIRE(w->add(0x0123456789abcdefULL, "value").ok());
  CHECK(w->records() == 1);
  CHECK(w->bytes() == 16 + 5 + 16);
  REQUIRE(w->commit().ok());
  std::string expected = u64le(0) + u64le(16) + "0123456789abcdef" + u64le(5) + "value" + u64le(0);
  expected.resize(512, '\0');
  CHECK(read_all(dir.file("c.tcm")) == expected);
  CHECK(dir.names() == std::set<std::string>{"c.tcm"});
  CHECK(w->add(1, "x").error().code == core::Errc::usage);
}

TEST_CASE("store::TcmWriter add_hex and abort", "[store]")
{
  TempDir dir;
  auto w = TcmWriter::create(dir.file("c.tcm"));
  REQUIRE(w.ok());
  CHECK(w->add_hex("abc", "v").error().code == core::Errc::usage);
  REQUIRE(w->add_hex("00000000000000ff", "v").ok());
  w->abort();
  CHECK(dir.names().empty());
}

TEST_CASE("store::Tcm round trip", "[store]")
{
  TempDir dir;
  const std::string path = dir.file("c.tcm");
  std::size_t count = GENERATE(0, 1, 100000);
  std::mt19937_64 rng(count);
  Records expected;
  auto w = TcmWriter::create(path);
  REQUIRE(w.ok());
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t key = rng();
    std::string value(rng() % 200, '\0');
    for (auto& c : value)
      c = static_cast<char>(rng() % 4 == 0 ? 0 : rng());
    if (i == 7)
      value.assign(64 << 10, '\xab');
    REQUIRE(w->add(key, value).ok());
    expected.emplace_back(core::key_to_hex(key), std::move(value));
  }
  REQUIRE(w->commit().ok());
  auto size = std::filesystem::file_size(path);
  CHECK(size % 512 == 0);
  TcmProblem problem = TcmProblem::io;
  auto r = TcmReader::open(path, &problem);
  REQUIRE(r.ok());
  CHECK(problem == TcmProblem::none);
  CHECK(r->file_size() == size);
  Records got;
  CHECK(read_records(*r, got).empty());
  CHECK(got == expected);
  CHECK_FALSE(r->trailing_garbage());
  TcmRecord rec;
  CHECK(*r->next(rec) == false); // stays at the end
}

TEST_CASE("store::TcmReader on a file cut at every offset", "[store]")
{
  TempDir dir;
  const std::string path = dir.file("c.tcm");
  std::string full = u64le(0) + record("0000000000000001", "a") +
                     record("0000000000000002", std::string("b\0c", 3)) +
                     record("0000000000000003", "") + u64le(0);
  const std::size_t end_marker_end = full.size();
  full.resize(512, '\0');
  for (std::size_t cut = 0; cut <= full.size(); ++cut) {
    INFO("cut at " << cut);
    write_raw(path, full.substr(0, cut));
    TcmProblem problem = TcmProblem::none;
    auto r = TcmReader::open(path, &problem);
    if (cut == 0) {
      CHECK(problem == TcmProblem::empty);
      continue;
    }
    if (cut < 8) {
      CHECK(problem == TcmProblem::unsupported_version);
      continue;
    }
    REQUIRE(r.ok());
    Records got;
    std::string error = read_records(*r, got);
    if (cut >= end_marker_end) {
      CHECK(error.empty());
      CHECK(got.size() == 3);
      continue;
    }
    CHECK(r->problem() == TcmProblem::truncated);
    CHECK(error.starts_with(path + ": "));
    CHECK(error.find("offset " + std::to_string(r->offset())) != std::string::npos);
    CHECK(got.size() <= 3);
    if (!got.empty())
      CHECK(got[0] == std::pair<std::string, std::string>{"0000000000000001", "a"});
  }
}

TEST_CASE("store::TcmReader classifies bad headers", "[store]")
{
  TempDir dir;
  TcmProblem problem = TcmProblem::none;
  SECTION("missing file")
  {
    auto r = TcmReader::open(dir.file("none.tcm"), &problem);
    CHECK(r.error().code == core::Errc::not_found);
    CHECK(problem == TcmProblem::io);
  }
  SECTION("zero bytes")
  {
    write_raw(dir.file("e.tcm"), "");
    auto r = TcmReader::open(dir.file("e.tcm"), &problem);
    CHECK(problem == TcmProblem::empty);
    CHECK(r.error().message == dir.file("e.tcm") + ": empty file");
  }
  SECTION("pre-2014 record count")
  {
    write_raw(dir.file("old.tcm"), u64le(3) + record("0000000000000001", "a"));
    auto r = TcmReader::open(dir.file("old.tcm"), &problem);
    CHECK(problem == TcmProblem::unsupported_version);
    CHECK(r.error().message.find("version 3") != std::string::npos);
  }
  SECTION("a directory")
  {
    auto r = TcmReader::open(dir.file(""), &problem);
    CHECK(problem == TcmProblem::io);
  }
}

TEST_CASE("store::TcmReader on corrupt lengths", "[store]")
{
  TempDir dir;
  const std::string path = dir.file("c.tcm");
  const std::string first = record("0000000000000001", "keep");
  TcmProblem expected_problem = TcmProblem::none;
  std::string expected_message;
  SECTION("absurd key length")
  {
    write_raw(path, u64le(0) + first + u64le(99999999) + std::string(600, 'k'));
    expected_problem = TcmProblem::corrupt;
    expected_message = "key length 99999999 at offset 44 is larger than any key";
  }
  SECTION("key length past the end")
  {
    write_raw(path, u64le(0) + first + u64le(1000) + std::string(600, 'k'));
    expected_problem = TcmProblem::truncated;
    expected_message = "key length 1000 at offset 44 exceeds the file (600 bytes left)";
  }
  SECTION("value length past the end")
  {
    write_raw(path, u64le(0) + first + u64le(16) + "0000000000000002" + u64le(~0ULL) + "zz");
    expected_problem = TcmProblem::truncated;
    expected_message = "value length 18446744073709551615 at offset 68 (record at offset 44) "
                       "exceeds the file (2 bytes left)";
  }
  auto r = TcmReader::open(path);
  REQUIRE(r.ok());
  TcmRecord kept;
  REQUIRE(*r->next(kept));
  TcmRecord rec;
  auto more = r->next(rec);
  REQUIRE_FALSE(more.ok());
  CHECK(more.error().code == core::Errc::bad_data);
  CHECK(more.error().message == path + ": " + expected_message);
  CHECK(r->problem() == expected_problem);
  CHECK(r->offset() == 44);
  CHECK_FALSE(r->next(rec).ok()); // the error sticks
  // Salvage: the record read before the error is still intact.
  CHECK(kept.key == "0000000000000001");
  CHECK(kept.value == "keep");
  CHECK(kept.offset == 8);
}

TEST_CASE("store::TcmReader returns invalid keys and tolerates trailing garbage", "[store]")
{
  TempDir dir;
  const std::string path = dir.file("c.tcm");
  std::string bytes = u64le(0) + record("abcde", "short key") +
                      record("XYZXYZXYZXYZXYZX", "not hex") + record("", "") + "garbage";
  write_raw(path, bytes);
  auto r = TcmReader::open(path);
  REQUIRE(r.ok());
  Records got;
  CHECK(read_records(*r, got).empty());
  CHECK(got == Records{{"abcde", "short key"}, {"XYZXYZXYZXYZXYZX", "not hex"}});
  CHECK(r->trailing_garbage());
}

TEST_CASE("store::TcmReader::from_buffer parses memory", "[store]")
{
  std::string bytes = u64le(0) + record("0000000000000009", "nine") + u64le(0);
  TcmProblem problem = TcmProblem::io;
  auto r = TcmReader::from_buffer(bytes, "buffer", &problem);
  REQUIRE(r.ok());
  CHECK(problem == TcmProblem::none);
  Records got;
  CHECK(read_records(*r, got).empty());
  CHECK(got == Records{{"0000000000000009", "nine"}});
  CHECK(TcmReader::from_buffer("", "b", &problem).error().message == "b: empty file");
  CHECK(tcm_problem_name(problem) == "empty");
}
