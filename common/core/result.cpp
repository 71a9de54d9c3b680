// Error helpers: errno formatting and the error-class to sysexits mapping.
#include "core/result.hpp"

#include <sysexits.h>

#include <cstring>

namespace shoal::core {

Error
sys_error(std::string what, int errno_value)
{
  return Error{Errc::io, std::move(what) + ": " + std::strerror(errno_value)};
}

int
exit_code(Errc code)
{
  switch (code) {
  case Errc::io: return EX_IOERR;
  case Errc::bad_data: return EX_DATAERR;
  case Errc::not_found: return EX_NOINPUT;
  case Errc::closed:
  case Errc::timeout:
  case Errc::unavailable: return EX_UNAVAILABLE;
  case Errc::protocol: return EX_PROTOCOL;
  case Errc::usage: return EX_USAGE;
  case Errc::config: return EX_CONFIG;
  }
  return EX_SOFTWARE;
}

} // namespace shoal::core
