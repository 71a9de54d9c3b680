// make_transport: the options of the transport asked for, checked, into its object.
#include "transports.hpp"

#include "queue_transport.hpp"

#include "net/endpoint.hpp"

namespace shoal::odsrpcsync {

namespace {

core::Result<std::unique_ptr<Transport>>
make_queue_transport(net::Loop& loop, const Options& opts)
{
  QueueTransportOptions q;
  for (const std::string& text : opts.queue_nodes) {
    auto ep = net::parse_endpoint(text);
    if (!ep)
      return core::make_error(core::Errc::config, "--queue " + text + ": " + ep.error().message);
    q.nodes.push_back(*ep);
  }
  q.node_id = opts.sync.node_id;
  q.channel = opts.queue_channel;
  SHOAL_TRY(check_options(q));
  return std::unique_ptr<Transport>(std::make_unique<QueueTransport>(loop, std::move(q)));
}

} // namespace

core::Result<std::unique_ptr<Transport>>
make_transport(net::Loop& loop, const Options& opts)
{
  return make_queue_transport(loop, opts);
}

} // namespace shoal::odsrpcsync
