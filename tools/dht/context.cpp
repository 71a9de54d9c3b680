// Context: opening the DHT client.
#include "context.hpp"

namespace shoal::dht {

core::Status
Context::open(bool handshake)
{
  auto settings = cli::client_settings(m_opts.nodes);
  if (!settings)
    return settings.take_error();
  m_dht = std::make_unique<client::Dht>(loop(), settings->nodes, settings->options);
  auto shaken = wait<void>([&](client::Callback<void> cb) {
    if (handshake)
      m_dht->handshake(std::move(cb));
    else
      m_dht->survey(std::move(cb));
  });
  if (!shaken)
    return shaken.error();
  return {};
}

} // namespace shoal::dht
