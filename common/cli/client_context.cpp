// ClientContext: reporting outcomes with shoal's exit conventions.
#include "cli/client_context.hpp"

#include "cfg/options.hpp"

#include <sysexits.h>

#include <cstdio>

namespace shoal::cli {

int
ClientContext::finish()
{
  if (auto flushed = m_out.flush(); !flushed) {
    if (m_out.reader_gone())
      return EX_IOERR; // quietly, as a program killed by SIGPIPE would
    return fail(flushed.error());
  }
  return 0;
}

int
ClientContext::fail(const core::Error& error)
{
  (void)m_out.flush(); // what was printed before the error still goes out
  return cfg::report(m_program, error);
}

void
ClientContext::warn(const std::string& message)
{
  std::fprintf(stderr, "%s: warning: %s\n", m_program, message.c_str());
}

} // namespace shoal::cli
