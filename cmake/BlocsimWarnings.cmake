# Warnings as an INTERFACE target (Taskflow's error_settings idea): linked
# PRIVATE so they apply to our sources only, never to consumers or Eigen.
add_library(blocsim_warnings INTERFACE)
target_compile_options(blocsim_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra $<$<BOOL:${BLOCSIM_WARNINGS_AS_ERRORS}>:-Werror>>)
