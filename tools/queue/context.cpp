// Context: opening the queue client and reporting outcomes with shoal's exit conventions.
#include "context.hpp"

#include "cfg/options.hpp"

#include <sysexits.h>

#include <cstdio>

namespace shoal::queue {

Context::~Context()
{
  m_queue.reset();
}

core::Status
Context::open()
{
  auto nodes = cli::node_list(m_opts.nodes);
  if (!nodes)
    return nodes.take_error();
  auto settings = cli::client_options(m_opts.nodes);
  if (!settings)
    return settings.take_error();
  m_queue = std::make_unique<client::Queue>(m_loop, *nodes, *settings);
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
  return cfg::report("queue", error);
}

void
Context::warn(const std::string& message)
{
  std::fprintf(stderr, "queue: warning: %s\n", message.c_str());
}

} // namespace shoal::queue
