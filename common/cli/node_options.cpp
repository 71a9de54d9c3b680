// The node options of command-line clients.
#include "cli/node_options.hpp"

#include "cfg/options.hpp"
#include "client/nodes_file.hpp"

namespace shoal::cli {

void
add_node_options(CLI::App& app, NodeOptions& opts, std::string_view system)
{
  app.add_option("--node", opts.nodes,
                 "a node of the " + std::string(system) + " (repeat for each node)")
      ->type_name("HOST:PORT");
  app.add_option("--nodes", opts.nodes_file, "read the nodes from FILE (one HOST:PORT a line)")
      ->type_name("FILE");
  app.add_option("--timeout", opts.timeout_ms,
                 "give up on a node silent this long while it owes an answer; 0: never")
      ->transform(cfg::duration_ms_value())
      ->default_str("30s");
  app.add_option("--credentials-name", opts.credentials_name, "authenticate to the nodes as NAME")
      ->type_name("NAME");
  app.add_option("--credentials-key-file", opts.credentials_key_file,
                 "the key of NAME: 256 hex digits, or a credentials file of name:key lines")
      ->type_name("FILE");
}

core::Result<std::vector<net::Endpoint>>
node_list(const NodeOptions& opts)
{
  std::vector<net::Endpoint> nodes;
  for (const auto& text : opts.nodes) {
    auto node = net::parse_endpoint(text);
    if (!node)
      return core::make_error(core::Errc::usage, "--node: " + node.error().message);
    client::merge_nodes(nodes, {*node});
  }
  if (!opts.nodes_file.empty()) {
    auto listed = client::load_nodes_file(opts.nodes_file);
    if (!listed)
      return listed.take_error();
    client::merge_nodes(nodes, *listed);
  }
  if (nodes.empty())
    return core::make_error(core::Errc::usage, "no nodes: give --node HOST:PORT or --nodes FILE");
  return nodes;
}

core::Result<client::NodeClientOptions>
client_options(const NodeOptions& opts)
{
  client::NodeClientOptions out;
  out.request_timeout_ms = opts.timeout_ms;
  out.stream_timeout_ms = opts.timeout_ms;
  auto auth = client::load_auth_identity(opts.credentials_name, opts.credentials_key_file);
  if (!auth)
    return auth.take_error();
  out.auth = std::move(*auth);
  return out;
}

core::Result<ClientSettings>
client_settings(const NodeOptions& opts)
{
  auto nodes = node_list(opts);
  if (!nodes)
    return nodes.take_error();
  auto options = client_options(opts);
  if (!options)
    return options.take_error();
  return ClientSettings{std::move(*nodes), std::move(*options)};
}

} // namespace shoal::cli
