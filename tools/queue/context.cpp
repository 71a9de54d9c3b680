// Context: opening the queue client.
#include "context.hpp"

namespace shoal::queue {

core::Status
Context::open()
{
  auto settings = cli::client_settings(m_opts.nodes);
  if (!settings)
    return settings.take_error();
  m_queue = std::make_unique<client::Queue>(loop(), settings->nodes, settings->options);
  return {};
}

} // namespace shoal::queue
