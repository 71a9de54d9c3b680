// The RabbitMQ transport's I/O thread. librabbitmq is blocking and single-threaded, so this
// thread alone owns the connection: it connects (again and again, with back-off), declares
// the topology, publishes what the outgoing buffer holds and counts the broker's confirms,
// sends acks and rejects, and hands deliveries and connection events to the loop thread
// through AmqpShared and notify() (an async wake-up of the loop).
#pragma once

#include "amqp_connection.hpp"
#include "amqp_options.hpp"
#include "amqp_shared.hpp"
#include "amqp_url.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace shoal::odsrpcsync {

class AmqpIoThread
{
public:
  // opts must be valid (validate_amqp_options); shared and notify must outlive the thread.
  AmqpIoThread(const AmqpOptions& opts, AmqpShared& shared, std::function<void()> notify);
  // Joins (the owner sets shared.stopping and wakes the thread first).
  ~AmqpIoThread();
  AmqpIoThread(const AmqpIoThread&) = delete;
  AmqpIoThread& operator=(const AmqpIoThread&) = delete;

  void start();
  // Waits for the thread to end; it ends once shared.stopping is set (after publishing what
  // it can within a short drain and closing the connection).
  void join();

private:
  using clock = std::chrono::steady_clock;

  void run();
  core::Result<std::unique_ptr<AmqpConnection>> connect();
  void connected_session(AmqpConnection& c);
  std::string serve(AmqpConnection& c);
  core::Status step(AmqpConnection& c, bool& more, bool& blocked);
  core::Status read_input(AmqpConnection& c, bool& more);
  void confirm(const AmqpConnection::Confirm& confirm);
  core::Status send_tag_commands(AmqpConnection& c, bool& blocked);
  core::Status send_publishes(AmqpConnection& c, bool& more, bool& blocked);
  bool drained(clock::time_point& deadline);
  void wait(AmqpConnection& c, bool write, std::chrono::milliseconds timeout);
  void sleep(std::chrono::milliseconds d);
  void post(std::vector<AmqpEvent> events);

  AmqpOptions m_options;
  AmqpUrl m_url;
  std::string m_description;
  AmqpShared& m_shared;
  std::function<void()> m_notify;
  std::uint16_t m_generation = 0; // of the connection being served; in every tag handed out
  std::thread m_thread;
};

} // namespace shoal::odsrpcsync
