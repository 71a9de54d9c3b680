// announce_listening: the listening line, the log line and READY=1.
#include "server/announce.hpp"

#include "core/log.hpp"
#include "core/sd_notify.hpp"

#include <cstdio>
#include <string>

namespace shoal::server {

void
announce_listening(const net::Endpoint& bound, std::string_view what)
{
  std::printf("listening %s\n", bound.str().c_str());
  std::fflush(stdout); // a pipe to a script: the line must not wait in the buffer
  std::string status = "serving " + std::string(what) + " on " + bound.str();
  core::log_info("{}", status);
  core::sd_notify("READY=1\nSTATUS=" + status);
}

} // namespace shoal::server
