# shoal_settings: build-wide settings every first-party target links (sanitizers, assertions).
option(SHOAL_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(SHOAL_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
option(SHOAL_WERROR "Treat warnings as errors" OFF)

add_library(shoal_settings INTERFACE)
target_compile_options(shoal_settings INTERFACE $<$<CONFIG:Debug>:-D_GLIBCXX_ASSERTIONS>)
if(SHOAL_SANITIZE)
  target_compile_options(shoal_settings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(shoal_settings INTERFACE -fsanitize=address,undefined)
endif()
if(SHOAL_FUZZ)
  # Coverage-instrument the library too, or libFuzzer only sees the fuzz target's own code.
  target_compile_options(shoal_settings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(shoal_settings INTERFACE -fsanitize=address,undefined)
endif()
