// One test executable for the whole suite; filter with -tc / -ts.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
