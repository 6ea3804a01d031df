# Writes version.cpp (sim/version.cpp.in) with the source tree's git commit, as
# a script (cmake -P) so that it runs at every build, not only at configure
# time: a build after `git commit`, `git checkout` or an edit must not stamp
# its run folders, sweep manifests and `blocsim --version` with the commit the
# build folder was configured at. The file is rewritten only when its text
# changes, so an unchanged tree recompiles nothing.
#
# Input variables (-D): SRC (version.cpp.in), DST (version.cpp), SOURCE_DIR,
# GIT_EXECUTABLE (may be empty), PROJECT_VERSION, BLOCSIM_COMPILER,
# CMAKE_BUILD_TYPE, BLOCSIM_GIT_SHA_OVERRIDE (may be empty).
#
# BLOCSIM_GIT_SHA: the 12-digit abbreviated commit of HEAD, with "-dirty"
# appended when tracked files differ from it (untracked files — build folders,
# results — do not count); BLOCSIM_GIT_SHA_OVERRIDE when set (a build from a
# release tarball, which has no .git: -DBLOCSIM_GIT_SHA=<sha> at configure
# time); "unknown" when neither git nor an override says.
set(BLOCSIM_GIT_SHA "unknown")
if(BLOCSIM_GIT_SHA_OVERRIDE)
  set(BLOCSIM_GIT_SHA "${BLOCSIM_GIT_SHA_OVERRIDE}")
elseif(GIT_EXECUTABLE)
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
    WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE _sha
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND _sha)
    set(BLOCSIM_GIT_SHA "${_sha}")
    # --no-optional-locks: never take the index lock (a build running beside
    # a git command must not make that command fail)
    execute_process(COMMAND "${GIT_EXECUTABLE}" --no-optional-locks status --porcelain --untracked-files=no
      WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE _status
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      set(BLOCSIM_GIT_SHA "${_sha}-unknown-state")
    elseif(NOT _status STREQUAL "")
      set(BLOCSIM_GIT_SHA "${_sha}-dirty")
    endif()
  endif()
endif()
configure_file("${SRC}" "${DST}.tmp" @ONLY)
execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different "${DST}.tmp" "${DST}")
file(REMOVE "${DST}.tmp")
