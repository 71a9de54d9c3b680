// logfiles' global options.
#include "options.hpp"

#include "cfg/options.hpp"

namespace shoal::logfiles {

void
add_global_options(CLI::App& app, GlobalOptions& opts)
{
  cfg::add_common_options(app, opts.common);
  cli::add_node_options(app, opts.nodes, "log store");
}

} // namespace shoal::logfiles
