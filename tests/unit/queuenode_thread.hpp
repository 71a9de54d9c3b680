// QueueNodeThread: a real queuenode (tools/queuenode's Node, the daemon's own code) serving on a
// loop of its own thread, as the daemon would in its own process, for the tests of clients that
// need what the scripted FakeQueueNode lacks: subscribers, durability, restarts on one port.
#pragma once

// By path: dhtnode and logfilesnode have a node.hpp too, and every tool's folder is on the
// include path of the unit tests.
#include "../../tools/queuenode/node.hpp"

#include "net/endpoint.hpp"
#include "net/loop.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <future>
#include <string>
#include <thread>

namespace shoal::test {

class QueueNodeThread
{
public:
  // Starts a durable queuenode on 127.0.0.1:port (0: any free port) keeping its files in
  // data_dir, and waits until it listens; with a credentials file, clients must authenticate.
  explicit QueueNodeThread(const std::string& data_dir,
                           std::uint16_t port = 0,
                           const std::string& credentials = {})
  {
    queuenode::Options opts;
    opts.listen = "127.0.0.1:" + std::to_string(port);
    opts.credentials = credentials;
    opts.data_dir = data_dir;
    opts.durable = true;
    opts.channel_size = 1 << 20; // each subscriber's ring is allocated in full
    opts.stats_log = "";
    REQUIRE(queuenode::finish_options(opts).ok());
    std::promise<core::Result<net::Endpoint>> ready;
    auto started = ready.get_future();
    m_thread = std::thread([this, opts, &ready] { run(opts, ready); });
    auto endpoint = started.get();
    if (!endpoint)
      m_thread.join();
    REQUIRE(endpoint.ok());
    m_endpoint = *endpoint;
  }
  ~QueueNodeThread() { stop(); }
  QueueNodeThread(const QueueNodeThread&) = delete;
  QueueNodeThread& operator=(const QueueNodeThread&) = delete;

  const net::Endpoint& endpoint() const { return m_endpoint; }

  // Shuts the node down as SIGTERM does (closing every connection, saving every queue) and
  // waits for it.
  void stop()
  {
    if (!m_thread.joinable())
      return;
    m_stop->send();
    m_thread.join();
    m_stop = nullptr;
  }

private:
  void run(const queuenode::Options& opts, std::promise<core::Result<net::Endpoint>>& ready)
  {
    net::Loop loop;
    queuenode::Node node(loop, opts);
    net::Async stop(loop, [&] { node.shutdown(); });
    m_stop = &stop; // before ready is set: the other thread reads it after
    if (auto status = node.start(); !status) {
      ready.set_value(status.error());
      return;
    }
    ready.set_value(node.endpoint());
    loop.run();
  }

  std::thread m_thread;
  net::Endpoint m_endpoint;
  net::Async* m_stop = nullptr; // on the node's thread; send() is safe from any thread
};

} // namespace shoal::test
