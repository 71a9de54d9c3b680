// The options every tool has, without the option parser: tool headers include this one so
// that only the files that build the option table pay for compiling CLI11.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace shoal::cfg {

// Flags every tool has.
struct CommonOptions {
  std::string config_file;   // --config FILE
  bool check_config = false; // --check-config: validate and exit
  std::string log_level = "info";
};

} // namespace shoal::cfg
