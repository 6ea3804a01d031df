# The Python module `blocsim` (sim/python/): a pybind11 extension `blocsim._core`
# plus the pure-Python package sim/python/blocsim/. Built into
# <build>/python/blocsim/ (so `PYTHONPATH=<build>/python` works uninstalled) and
# installed to BLOCSIM_PYTHON_INSTALL_DIR/blocsim.
#
# Debian's pybind11-dev matches Debian's python3 (/usr/bin/python3), so that
# interpreter is preferred over whatever `python3` comes first on PATH
# (pyenv, conda); pass -DPython_EXECUTABLE=... to choose another.
set(BLOCSIM_HAVE_PYTHON OFF)
if(NOT BLOCSIM_PYTHON)
  return()
endif()
if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python_EXECUTABLE /usr/bin/python3)
endif()
find_package(Python 3.8 QUIET COMPONENTS Interpreter Development.Module)
if(Python_FOUND)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.6 CONFIG QUIET)
endif()
if(NOT Python_FOUND OR NOT pybind11_FOUND)
  message(STATUS "Python module: off (needs Python 3 headers and pybind11; Debian: python3-dev pybind11-dev)")
  return()
endif()
set(BLOCSIM_HAVE_PYTHON ON)

# Where `cmake --install` puts the package: the interpreter's own layout
# relative to the prefix (Debian: lib/python3.X/dist-packages, which is on
# sys.path for the prefix /usr/local; elsewhere lib/python3.X/site-packages).
if(NOT BLOCSIM_PYTHON_INSTALL_DIR)
  execute_process(COMMAND ${Python_EXECUTABLE} -c
    "import sysconfig,os; p=sysconfig.get_path('platlib'); print('dist-packages' if os.path.basename(p)=='dist-packages' else 'site-packages')"
    OUTPUT_VARIABLE _pkgdir OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(BLOCSIM_PYTHON_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/python${Python_VERSION_MAJOR}.${Python_VERSION_MINOR}/${_pkgdir}"
      CACHE STRING "Install folder of the Python package, relative to the prefix")
endif()
message(STATUS "Python module: on (${Python_EXECUTABLE} ${Python_VERSION}; installs to <prefix>/${BLOCSIM_PYTHON_INSTALL_DIR})")
blocsim_install_path_from(${BLOCSIM_PYTHON_INSTALL_DIR}/blocsim ${BLOCSIM_INSTALL_DATADIR} BLOCSIM_PY_TO_DATA)

pybind11_add_module(blocsim_python MODULE ${PROJECT_SOURCE_DIR}/sim/python/core.cpp)
target_link_libraries(blocsim_python PRIVATE blocsim_core blocsim_warnings)
target_include_directories(blocsim_python PRIVATE ${PROJECT_SOURCE_DIR}/sim)
target_compile_definitions(blocsim_python PRIVATE BLOCSIM_PY_TO_DATA="${BLOCSIM_PY_TO_DATA}")
set_target_properties(blocsim_python PROPERTIES
  OUTPUT_NAME _core
  LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/python/blocsim)

file(GLOB BLOCSIM_PY_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/sim/python/blocsim/*.py)
set(_staged)
foreach(_f ${BLOCSIM_PY_FILES})
  get_filename_component(_n ${_f} NAME)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/python/blocsim/${_n}
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_f} ${PROJECT_BINARY_DIR}/python/blocsim/${_n}
    DEPENDS ${_f} VERBATIM)
  list(APPEND _staged ${PROJECT_BINARY_DIR}/python/blocsim/${_n})
endforeach()
add_custom_target(blocsim_python_files ALL DEPENDS ${_staged})
add_dependencies(blocsim_python blocsim_python_files)

install(TARGETS blocsim_python LIBRARY DESTINATION ${BLOCSIM_PYTHON_INSTALL_DIR}/blocsim)
install(FILES ${BLOCSIM_PY_FILES} DESTINATION ${BLOCSIM_PYTHON_INSTALL_DIR}/blocsim)
