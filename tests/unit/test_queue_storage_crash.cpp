// Crash test of the queue node's durable mode: a child process pushes and pops and prints what
// the journal acknowledged; the parent kills it with SIGKILL at a random moment, recovers the
// directory and checks that every acknowledged push is there exactly once, in order, and that
// no acknowledged pop comes back.
#include "queue_storage_helpers.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <random>
#include <sstream>

using namespace qtest;

namespace {

using Clock = std::chrono::steady_clock;

// The record number in a value made by numbered(), or -1.
long
number_of(const std::string& value)
{
  if (value.size() < 3 || value[0] != 'r')
    return -1;
  return std::stol(value.substr(1, value.find(':') - 1));
}

// Writes lines to fd in pieces of whole lines no longer than PIPE_BUF (atomic on a pipe).
void
emit(int fd, std::string& lines)
{
  while (!lines.empty()) {
    std::size_t n = lines.size() <= PIPE_BUF ? lines.size() : lines.rfind('\n', PIPE_BUF - 1) + 1;
    if (::write(fd, lines.data(), n) != static_cast<ssize_t>(n))
      ::_exit(3);
    lines.erase(0, n);
  }
}

// The child: pushes numbered records, pops every third (or one per push when 20000 wait),
// checkpoints when due, and reports
// "P n" / "D n" once the push / pop of record n is durable. Never returns.
[[noreturn]] void
child(const std::string& dir, int out)
{
  StoreOptions o = small_options(dir, true);
  o.io_chunk = 4096;
  o.checkpoint_bytes = 32 << 10;
  auto store = Store::open(o, [](const QueueName&) { return 2048; });
  if (!store)
    ::_exit(2);
  Queue& queue = **(*store)->get_or_create("ch");
  std::deque<std::pair<std::uint64_t, std::string>> pending; // seq, line
  std::string lines = "S\n";
  emit(out, lines);
  auto deadline = Clock::now() + std::chrono::seconds(10);
  for (std::uint64_t n = 0; Clock::now() < deadline; ++n) {
    PushResult r = queue.push(numbered(n, 200));
    if (r.status != PushStatus::ok)
      ::_exit(4);
    pending.emplace_back(r.seq, "P " + std::to_string(n) + "\n");
    std::string value;
    if ((n % 3 == 2 || queue.records() > 20000) && *queue.pop(value))
      pending.emplace_back((*store)->appended_seq(),
                           "D " + std::to_string(number_of(value)) + "\n");
    if ((*store)->checkpoint_due() && !(*store)->checkpoint().ok())
      ::_exit(5);
    (*store)->publish_journal(); // as the server's loop does once an iteration
    std::uint64_t synced = (*store)->synced_seq();
    while (!pending.empty() && pending.front().first <= synced) {
      lines += pending.front().second;
      pending.pop_front();
    }
    if (lines.size() > 1000 || n % 64 == 0)
      emit(out, lines);
  }
  ::_exit(0);
}

// Reads from fd into text until the deadline, the end of the pipe, or (with until_line) the
// first complete line.
void
read_until(int fd, std::string& text, Clock::time_point deadline, bool until_line = false)
{
  char buffer[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      return;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0)
      return;
    text.append(buffer, static_cast<std::size_t>(n));
    if (until_line && text.find('\n') != std::string::npos)
      return;
  }
}

} // namespace

TEST_CASE("journal: kill -9 at a random moment loses no acknowledged change", "[queue_storage]")
{
  std::mt19937 rng(std::random_device{}());
  QuietLog quiet;
  for (int round = 0; round < 4; ++round) {
    TempDir dir;
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      child(dir.path(), fds[1]);
    }
    ::close(fds[1]);
    std::string text;
    read_until(fds[0], text, Clock::now() + std::chrono::seconds(5), true); // started
    read_until(fds[0], text, Clock::now() + std::chrono::milliseconds(20 + rng() % 300));
    REQUIRE(::kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    INFO("child status " << status << " exit " << WEXITSTATUS(status));
    REQUIRE(WIFSIGNALED(status)); // killed, not exited on an error
    read_until(fds[0], text, Clock::now() + std::chrono::seconds(5)); // to the end
    ::close(fds[0]);

    std::set<long> pushed, popped;
    std::istringstream in(text.substr(0, text.rfind('\n') + 1));
    std::string kind;
    long n;
    in >> kind; // "S"
    while (in >> kind >> n)
      (kind == "P" ? pushed : popped).insert(n);
    auto store = open_store(small_options(dir.path(), true), 2048);
    Queue* queue = store->find("ch");
    REQUIRE(queue != nullptr);
    auto back = drain(*queue);
    INFO("round " << round << ": " << pushed.size() << " pushes and " << popped.size()
                  << " pops acknowledged, " << back.size() << " records recovered");
    // The child pops in FIFO order, so what remains is one run of consecutive records: it
    // starts after every acknowledged pop (later pops may be durable without being reported)
    // and reaches at least the last acknowledged push.
    REQUIRE_FALSE(back.empty());
    long first = number_of(back.front());
    for (std::size_t i = 0; i < back.size(); ++i) {
      auto k = static_cast<std::uint64_t>(first) + i;
      REQUIRE(back[i] == numbered(k, 200)); // consecutive, whole, each once
    }
    long last = first + static_cast<long>(back.size()) - 1;
    if (!popped.empty())
      CHECK(first > *popped.rbegin());
    CHECK(last >= *pushed.rbegin());
    CHECK(pushed.size() > 10);
  }
}
