// dht's global options.
#include "options.hpp"

#include "cfg/options.hpp"

namespace shoal::dht {

void
add_global_options(CLI::App& app, GlobalOptions& opts)
{
  cfg::add_common_options(app, opts.common);
  cli::add_node_options(app, opts.nodes, "DHT");
  app.add_flag("--hash", opts.hash,
               "KEY operands (and import keys) are strings hashed with FNV-1a 64 "
               "(\"hello\" -> a430d84680aabd0b)");
}

} // namespace shoal::dht
