// The Catch2 runner for every unit test (Catch2 v2 builds its main here).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
