# version.cpp carries the project version, git SHA and compiler for metadata.
find_package(Git QUIET)
set(BLOCSIM_GIT_SHA "unknown")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE _sha
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND _sha)
    set(BLOCSIM_GIT_SHA "${_sha}")
  endif()
endif()
set(BLOCSIM_COMPILER "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
set(BLOCSIM_VERSION_CPP ${PROJECT_BINARY_DIR}/version.cpp)
configure_file(${PROJECT_SOURCE_DIR}/sim/version.cpp.in ${BLOCSIM_VERSION_CPP} @ONLY)
