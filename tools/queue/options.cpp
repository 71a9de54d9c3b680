// queue's global options.
#include "options.hpp"

namespace shoal::queue {

void
add_global_options(CLI::App& app, GlobalOptions& opts)
{
  cfg::add_common_options(app, opts.common);
  cli::add_node_options(app, opts.nodes, "queue");
}

} // namespace shoal::queue
