// sd_notify without libsystemd: datagrams to $NOTIFY_SOCKET (READY=1, STATUS=..., STOPPING=1).
#pragma once

#include <string_view>

namespace shoal::core {

// Sends one notification (e.g. "READY=1\nSTATUS=serving") if $NOTIFY_SOCKET is set.
// Returns false only when the socket is set but the send failed; systemd absence is not an error.
bool sd_notify(std::string_view state);

} // namespace shoal::core
