// Context: opening the DHT client and reporting outcomes with shoal's exit conventions.
#include "context.hpp"

#include "cfg/options.hpp"

#include <sysexits.h>

namespace shoal::dht {

Context::~Context()
{
  m_dht.reset();
}

core::Status
Context::open(bool handshake)
{
  auto nodes = cli::node_list(m_opts.nodes);
  if (!nodes)
    return nodes.take_error();
  auto settings = cli::client_options(m_opts.nodes);
  if (!settings)
    return settings.take_error();
  m_dht = std::make_unique<client::Dht>(m_loop, *nodes, *settings);
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

int
Context::finish()
{
  if (auto flushed = m_out.flush(); !flushed) {
    if (m_out.reader_gone())
      return EX_IOERR; // quietly, as a program killed by SIGPIPE would
    return fail(flushed.error());
  }
  return 0;
}

int
Context::fail(const core::Error& error)
{
  (void)m_out.flush(); // what was printed before the error still goes out
  return cfg::report("dht", error);
}

} // namespace shoal::dht
