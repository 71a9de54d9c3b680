// ChannelDump: GetAll into a TcmWriter, commit on the thread pool, abort on any failure.
#include "channel_dump.hpp"

#include "core/log.hpp"

#include <algorithm>
#include <utility>

namespace shoal::dhtdump {

ChannelDump::ChannelDump(net::Loop& loop,
                         client::NodeClient& client,
                         DumpStats& stats,
                         const std::string& dir,
                         std::string channel,
                         Done done)
    : m_loop(loop), m_client(client), m_stats(stats), m_channel(std::move(channel)),
      m_path(dir + "/" + m_channel + ".tcm"), m_done(std::move(done))
{
}

ChannelDump::~ChannelDump()
{
  stop();
}

core::Status
ChannelDump::start()
{
  auto writer = store::TcmWriter::create(m_path);
  if (!writer)
    return writer.take_error();
  m_writer.emplace(std::move(*writer));
  m_state = State::streaming;
  m_stream = m_client.get_all(
      m_channel, [this](std::uint64_t key, std::string_view value) { on_record(key, value); },
      [this](client::Reply<void> reply) { on_stream_end(std::move(reply)); });
  return {};
}

bool
ChannelDump::stop()
{
  if (m_state == State::committing)
    return false;
  if (m_state == State::streaming || m_state == State::checking) {
    m_client.cancel(m_stream);
    m_writer->abort();
    m_writer.reset();
  }
  m_state = State::finished;
  return true;
}

void
ChannelDump::on_record(std::uint64_t key, std::string_view value)
{
  if (m_state != State::streaming || value.empty()) // the loader skips empty values anyway
    return;
  std::uint64_t before = m_writer->bytes();
  if (auto status = m_writer->add(key, value); !status) {
    fail(status.take_error());
    return;
  }
  m_stats.record_written(m_writer->bytes() - before);
}

void
ChannelDump::on_stream_end(client::Reply<void> reply)
{
  if (m_state != State::streaming)
    return;
  if (!reply) {
    fail(core::Error{reply.error().code, "GetAll " + m_channel + ": " + reply.error().message});
    return;
  }
  // A channel removed meanwhile must not come back at the node's next start: the node has moved
  // its file to deleted/, and a new file would resurrect it (empty or with part of its records).
  m_state = State::checking;
  std::weak_ptr<bool> alive = m_alive;
  m_client.get_channels([this, alive](client::Reply<std::vector<std::string>> channels) {
    if (!alive.expired())
      on_channels(std::move(channels));
  });
}

void
ChannelDump::on_channels(client::Reply<std::vector<std::string>> reply)
{
  if (m_state != State::checking)
    return;
  if (!reply) {
    fail(core::Error{reply.error().code, "GetChannels: " + reply.error().message});
    return;
  }
  if (std::find(reply->begin(), reply->end(), m_channel) == reply->end()) {
    core::log_info("channel {} was removed during its dump: not written", m_channel);
    m_writer->abort();
    m_writer.reset();
    ChannelReport removed;
    removed.removed = true;
    finish(removed);
    return;
  }
  commit();
}

void
ChannelDump::commit()
{
  // The writer moves to the job: the sync of a big file must not stall the loop.
  struct Job {
    store::TcmWriter writer;
    core::Status status;
  };
  auto job = std::make_shared<Job>(Job{std::move(*m_writer), {}});
  m_writer.reset();
  m_state = State::committing;
  std::weak_ptr<bool> alive = m_alive;
  net::queue_work(
      m_loop, [job] { job->status = job->writer.commit(); },
      [this, job, alive] {
        if (alive.expired())
          return;
        if (!job->status)
          finish(job->status.take_error());
        else
          finish(ChannelReport{job->writer.records(), job->writer.bytes()});
      });
}

void
ChannelDump::fail(core::Error error)
{
  m_client.cancel(m_stream);
  if (m_writer) {
    m_writer->abort();
    m_writer.reset();
  }
  finish(std::move(error));
}

void
ChannelDump::finish(core::Result<ChannelReport> result)
{
  m_state = State::finished;
  if (result && result->removed)
    m_stats.forget(m_channel);
  else if (result)
    m_stats.channel_dumped(m_channel, result->records, result->bytes);
  auto done = std::move(m_done);
  done(std::move(result));
}

} // namespace shoal::dhtdump
