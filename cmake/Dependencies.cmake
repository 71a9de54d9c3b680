# Third-party libraries, all from Debian packages (scripts/setup installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
find_package(CLI11 CONFIG REQUIRED)
find_package(fmt REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Threads REQUIRED)
find_library(LZO2_LIBRARY NAMES lzo2 REQUIRED)
find_path(LZO2_INCLUDE_DIR lzo/lzo1x.h REQUIRED)
add_library(lzo2 INTERFACE)
target_link_libraries(lzo2 INTERFACE ${LZO2_LIBRARY})
target_include_directories(lzo2 SYSTEM INTERFACE ${LZO2_INCLUDE_DIR})
find_package(ZLIB REQUIRED) # gzip-compressed log buckets of the retention job
