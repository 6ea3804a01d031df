# version.cpp carries the project version, git commit and compiler for
# `blocsim --version`, run folders' and sweeps' metadata.yaml and the Python
# module. cmake/BlocsimVersionFile.cmake writes it at configure time (so the
# file exists) and again before every build of blocsim_core (the target
# blocsim_version), so the commit is HEAD's at build time, with "-dirty" when
# tracked files were edited. Without .git (a release tarball), pass
# -DBLOCSIM_GIT_SHA=<commit> to name it.
find_package(Git QUIET)
set(BLOCSIM_GIT_SHA "" CACHE STRING "Commit to stamp into the build when the source tree has no .git (release tarballs); empty = ask git")
set(BLOCSIM_COMPILER "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
set(BLOCSIM_VERSION_CPP ${PROJECT_BINARY_DIR}/version.cpp)
set(_blocsim_version_args
  "-DSRC=${PROJECT_SOURCE_DIR}/sim/version.cpp.in" "-DDST=${BLOCSIM_VERSION_CPP}"
  "-DSOURCE_DIR=${PROJECT_SOURCE_DIR}" "-DGIT_EXECUTABLE=${GIT_EXECUTABLE}"
  "-DPROJECT_VERSION=${PROJECT_VERSION}" "-DBLOCSIM_COMPILER=${BLOCSIM_COMPILER}"
  "-DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}" "-DBLOCSIM_GIT_SHA_OVERRIDE=${BLOCSIM_GIT_SHA}"
  -P "${CMAKE_CURRENT_LIST_DIR}/BlocsimVersionFile.cmake")
execute_process(COMMAND "${CMAKE_COMMAND}" ${_blocsim_version_args} RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "cmake/BlocsimVersionFile.cmake failed (${_rc})")
endif()
add_custom_target(blocsim_version
  COMMAND "${CMAKE_COMMAND}" ${_blocsim_version_args}
  BYPRODUCTS "${BLOCSIM_VERSION_CPP}"
  VERBATIM)
