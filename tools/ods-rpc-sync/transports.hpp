// The transport the options name: RabbitMQ (--amqp) or queuenode (--queue).
#pragma once

#include "options.hpp"
#include "transport.hpp"

#include "core/result.hpp"
#include "net/loop.hpp"

#include <memory>

namespace shoal::odsrpcsync {

// Builds (does not start) the transport; Errc::config for options it cannot use.
core::Result<std::unique_ptr<Transport>> make_transport(net::Loop& loop, const Options& opts);

} // namespace shoal::odsrpcsync
