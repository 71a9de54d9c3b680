// DumpCycle: the channel list, the channels one after the other, and the report.
#include "dump_cycle.hpp"

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/sd_notify.hpp"
#include "proto/codes.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <utility>

namespace shoal::dhtdump {

DumpCycle::DumpCycle(
    net::Loop& loop, client::NodeClient& client, DumpStats& stats, std::string dir, Done done)
    : m_loop(loop), m_client(client), m_stats(stats), m_dir(std::move(dir)), m_done(std::move(done))
{
}

void
DumpCycle::start()
{
  m_started = true;
  m_started_ms = core::now_ms();
  core::sd_notify("STATUS=asking " + m_client.endpoint().str() + " for its channels");
  m_client.get_channels(
      [this](client::Reply<std::vector<std::string>> reply) { on_channels(std::move(reply)); });
}

bool
DumpCycle::stop()
{
  m_stopping = true;
  if (m_finished || !m_current)
    return true;
  return m_current->stop();
}

void
DumpCycle::on_channels(client::Reply<std::vector<std::string>> reply)
{
  if (m_stopping)
    return;
  if (!reply) {
    finish(CycleOutcome::failed,
           core::Error{reply.error().code, "GetChannels: " + reply.error().message});
    return;
  }
  m_channels = std::move(*reply);
  m_stats.keep_only(m_channels);
  // A name that could leave the data directory never becomes a file name.
  std::erase_if(m_channels, [](const std::string& name) {
    if (proto::valid_channel_name(name))
      return false;
    core::log_warn("skipping channel '{}': not a valid channel name", name);
    return true;
  });
  core::log_debug("dumping {} channels", m_channels.size());
  next_channel();
}

void
DumpCycle::next_channel()
{
  if (m_next == m_channels.size()) {
    finish(CycleOutcome::done);
    return;
  }
  const std::string& name = m_channels[m_next++];
  core::sd_notify(
      fmt::format("STATUS=dumping channel {} ({}/{})", name, m_next, m_channels.size()));
  core::log_debug("dumping channel {}", name);
  auto dump = std::make_unique<ChannelDump>(
      m_loop, m_client, m_stats, m_dir, name,
      [this](core::Result<ChannelReport> result) { on_channel_done(std::move(result)); });
  if (auto status = dump->start(); !status) {
    finish(CycleOutcome::failed, status.take_error());
    return;
  }
  // The finished dump may be on the stack (its done called us): it lives one channel longer.
  m_previous = std::move(m_current);
  m_current = std::move(dump);
}

void
DumpCycle::on_channel_done(core::Result<ChannelReport> result)
{
  if (!result) {
    finish(CycleOutcome::failed, result.take_error());
    return;
  }
  if (!result->removed) {
    ++m_report.channels;
    m_report.records += result->records;
    m_report.bytes += result->bytes;
  }
  if (m_stopping) {
    finish(m_next == m_channels.size() ? CycleOutcome::done : CycleOutcome::interrupted);
    return;
  }
  next_channel();
}

void
DumpCycle::finish(CycleOutcome outcome, std::optional<core::Error> error)
{
  m_finished = true;
  m_report.outcome = outcome;
  m_report.error = std::move(error);
  m_report.ms = core::now_ms() - m_started_ms;
  auto done = std::move(m_done);
  done(m_report);
}

} // namespace shoal::dhtdump
