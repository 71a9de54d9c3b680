// Context: opening the log store client.
#include "context.hpp"

namespace shoal::logfiles {

core::Status
Context::open(bool handshake)
{
  auto settings = cli::client_settings(m_opts.nodes);
  if (!settings)
    return settings.take_error();
  m_logs = std::make_unique<client::LogStore>(loop(), settings->nodes, settings->options);
  auto shaken = wait<void>([&](client::Callback<void> cb) {
    if (handshake)
      m_logs->handshake(std::move(cb));
    else
      m_logs->survey(std::move(cb));
  });
  if (!shaken)
    return shaken.error();
  return {};
}

} // namespace shoal::logfiles
