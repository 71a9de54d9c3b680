// make_transport: the options of the transport asked for, checked, into its object.
#include "transports.hpp"

#include "amqp_options.hpp"
#include "amqp_transport.hpp"
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

core::Result<std::unique_ptr<Transport>>
make_amqp_transport(net::Loop& loop, const Options& opts)
{
  AmqpOptions a;
  a.url = opts.amqp_url;
  a.node_id = opts.sync.node_id;
  a.exchange = opts.amqp_exchange;
  a.tls_cacert = opts.amqp_cacert;
  a.tls_cert = opts.amqp_cert;
  a.tls_key = opts.amqp_key;
  a.credentials_file = opts.amqp_credentials;
  a.heartbeat_s = static_cast<unsigned>((opts.amqp_heartbeat_ms + 999) / 1000);
  SHOAL_TRY(validate_amqp_options(a));
  return std::unique_ptr<Transport>(std::make_unique<AmqpTransport>(loop, std::move(a)));
}

} // namespace

core::Result<std::unique_ptr<Transport>>
make_transport(net::Loop& loop, const Options& opts)
{
  if (!opts.amqp_url.empty())
    return make_amqp_transport(loop, opts);
  return make_queue_transport(loop, opts);
}

} // namespace shoal::odsrpcsync
