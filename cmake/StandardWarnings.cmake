# shoal_warnings: the warning set of design.md; first-party targets link it PRIVATE.
add_library(shoal_warnings INTERFACE)
target_compile_options(shoal_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wextra-semi -Wformat=2
  $<$<BOOL:${SHOAL_WERROR}>:-Werror>)
