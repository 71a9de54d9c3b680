// One engine for everything, or (threads = 2) one for the producers and one for the consumers,
// each on its own thread, when a single thread cannot keep up with a fast server.
#include "queue_driver.hpp"

#include "queue_engine.hpp"

#include <algorithm>
#include <ctime>
#include <thread>

namespace shoal::bench {

namespace {

std::uint64_t
now_ns()
{
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

// The consumers' outcome with the producers' figures added.
QueueOutcome
merge(QueueOutcome producers, QueueOutcome& consumers)
{
  QueueOutcome out = std::move(consumers);
  out.pushed = producers.pushed;
  out.errors += producers.errors;
  out.push_seconds = producers.push_seconds;
  out.wall_seconds = std::max(out.wall_seconds, producers.wall_seconds);
  if (out.fatal.empty())
    out.fatal = std::move(producers.fatal);
  return out;
}

QueueOutcome
run_one_thread(const QueueConfig& config)
{
  QueueShared shared;
  QueueEngine engine(config, shared, config.producers, config.consumers);
  if (!engine.connect_all())
    return std::move(engine.outcome());
  shared.start_ns = now_ns();
  engine.run();
  return std::move(engine.outcome());
}

QueueOutcome
run_two_threads(const QueueConfig& config)
{
  QueueShared shared;
  QueueEngine producers(config, shared, config.producers, 0);
  QueueEngine consumers(config, shared, 0, config.consumers);
  if (!producers.connect_all())
    return std::move(producers.outcome());
  if (!consumers.connect_all())
    return std::move(consumers.outcome());
  shared.start_ns = now_ns();
  std::thread consumer_thread([&consumers] { consumers.run(); });
  producers.run();
  consumer_thread.join();
  return merge(std::move(producers.outcome()), consumers.outcome());
}

} // namespace

QueueOutcome
run_queue(const QueueConfig& config)
{
  return config.threads > 1 ? run_two_threads(config) : run_one_thread(config);
}

} // namespace shoal::bench
