# Sanitizer and fuzzing builds (issue 15, docs/reliability.md).
#   -DBLOCSIM_SANITIZE=ON  AddressSanitizer + UndefinedBehaviorSanitizer on
#                          everything (GCC or Clang); tools/test.sh runs the
#                          unit suite in such a build.
#   -DBLOCSIM_FUZZ=ON      also instrument for libFuzzer and build the fuzz
#                          harnesses of tests/fuzz/ (Clang only).
# Included before any target so that the flags reach the whole build.
option(BLOCSIM_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(BLOCSIM_FUZZ "Build the libFuzzer harnesses in tests/fuzz (Clang; implies BLOCSIM_SANITIZE)" OFF)

if(BLOCSIM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "BLOCSIM_FUZZ needs Clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  set(BLOCSIM_SANITIZE ON CACHE BOOL "" FORCE)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(BLOCSIM_SANITIZE)
  # -fno-sanitize-recover: any undefined behaviour fails the test that hit it.
  # float-divide-by-zero is left out: IEEE division by zero is intended in
  # places (inf checked later) and is not undefined for IEEE doubles.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
