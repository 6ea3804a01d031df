# Warnings as an INTERFACE target (Taskflow's error_settings idea): linked
# PRIVATE so they apply to our sources only, never to consumers or Eigen.
add_library(blocsim_warnings INTERFACE)
target_compile_options(blocsim_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict -Wno-psabi> $<$<BOOL:${BLOCSIM_WARNINGS_AS_ERRORS}>:-Werror>>)
# -Wno-restrict: GCC 12 reports false -Wrestrict errors inside std::string's
# operator+ when "literal" + std::string is inlined across files (GCC bug
# 105329); it fired once the scenario loader's helpers left their anonymous
# namespace.
# -Wno-psabi: GCC 12 without -march=native (BLOCSIM_NATIVE=OFF) reports, with no
# location, that passing 32-byte vector types changed ABI in GCC 4.6; the
# network walk's 4-double vector helpers are all inlined and internal to this
# binary (never an interface between separately compiled code), so the note
# does not apply — under -Werror it stopped GCC generic builds. (Clang: rows.h's pragma.)
