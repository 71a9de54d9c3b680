// One epoll loop over a set of queue connections, producers and/or consumers. The driver runs
// one engine (one thread) or two (producers and consumers apart); what the two must agree on,
// how many records were pushed and whether pushing is over, is in QueueShared.
#pragma once

#include "queue_driver.hpp"
#include "tcp.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace shoal::bench {

struct QueueShared {
  std::uint64_t start_ns = 0;            // set before any engine runs
  std::atomic<bool> pushing_done{false}; // every push issued has been answered
  std::atomic<std::uint64_t> pushed{0};  // pushes acknowledged Ok so far
  std::atomic<bool> abort{false};        // an engine failed: the other one stops too
};

class QueueEngine
{
public:
  QueueEngine(const QueueConfig& config,
              QueueShared& shared,
              unsigned producers,
              unsigned consumers);
  ~QueueEngine();
  QueueEngine(const QueueEngine&) = delete;
  QueueEngine& operator=(const QueueEngine&) = delete;

  // Opens every connection; false (with outcome().fatal set) if one fails.
  bool connect_all();

  // Runs until this engine's producers are done and its consumers drained (or a failure).
  void run();

  QueueOutcome& outcome() { return m_out; }

private:
  struct Sent {
    QueueOp op = QueueOp::push;
    std::uint64_t ns = 0;
  };
  struct Conn : Socket {
    bool producer = true;
    std::vector<Sent> ring; // requests in flight, oldest at head (replies come in order)
    std::size_t head = 0;
    std::size_t inflight = 0;        // all requests (a consumer's deletes included)
    std::size_t main_ops = 0;        // pushes or pops in flight: what depth bounds
    std::uint64_t backoff_until = 0; // consumer: no new pop before this (ns)
    std::uint64_t backoff_ns = 0;    // consumer: the next wait after an empty answer
    std::size_t window = 1;          // consumer: pops it may have in flight (up to depth)
    bool consume_sent = false;       // stream consumer: its Consume request is out ...
    bool streaming = false;          // ... and answered Ok: records follow, unasked
  };

  bool done() const;
  void wait_events();
  int timeout_ms(std::uint64_t now) const;
  void top_up(Conn& c, std::uint64_t now);
  void top_up_producer(Conn& c, std::uint64_t now);
  void top_up_consumer(Conn& c, std::uint64_t now);
  void queue(Conn& c, QueueOp op, std::uint64_t now);
  void flush(Conn& c);
  void on_readable(Conn& c);
  std::size_t consume(Conn& c, std::string_view in, std::uint64_t now);
  bool consume_streamed(std::string_view in, std::size_t& pos, std::uint64_t now);
  void complete(Conn& c, const QueueReply& reply, std::uint64_t now);
  void on_popped(Conn& c, const QueueReply& reply, std::uint64_t now);
  void on_record(std::string_view value, std::uint64_t now);
  void on_empty(Conn& c, std::uint64_t now);
  void wake_consumers(std::uint64_t now);
  void check_clock(std::uint64_t now);
  void fail(std::string why);

  const QueueConfig& m_config;
  QueueShared& m_shared;
  unsigned m_producers;
  QueueCodec m_codec;
  std::vector<Conn> m_conns; // producers first, then consumers
  std::vector<char> m_scratch;
  std::string m_record;     // the record being pushed
  std::vector<bool> m_seen; // consumers: sequence numbers popped so far
  int m_epoll = -1;
  bool m_issuing;             // producers: still pushing
  bool m_popping = true;      // consumers: still popping
  std::uint64_t m_issued = 0; // pushes issued (the next record's sequence number)
  std::uint64_t m_push_inflight = 0;
  std::uint64_t m_pop_inflight = 0; // pops and deletes
  unsigned m_backing_off = 0;       // consumers waiting before their next pop
  std::uint64_t m_push_deadline = 0;
  std::uint64_t m_drain_deadline = 0; // 0 until pushing is over
  std::uint64_t m_last_push = 0;      // last push answered
  std::uint64_t m_last_consume = 0;   // last record popped
  std::uint64_t m_last_event = 0;     // last reply of any kind
  QueueOutcome m_out;
};

} // namespace shoal::bench
