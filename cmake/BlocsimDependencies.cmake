# All third-party packages come from Debian: libeigen3-dev, libyaml-cpp-dev,
# libcli11-dev, doctest-dev, libfmt-dev (header-only), libomp/gcc OpenMP, libopenmpi-dev, libboost-dev
# (header-only: Boost.Random's Sobol sequence, Boost.Math's Student t).
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED)
if(TARGET yaml-cpp::yaml-cpp)        # yaml-cpp >= 0.8
  set(BLOCSIM_YAML_TARGET yaml-cpp::yaml-cpp)
else()                               # Debian 12 ships 0.7.0 (no namespace)
  set(BLOCSIM_YAML_TARGET yaml-cpp)
endif()
find_package(CLI11 REQUIRED)
find_package(Boost 1.71 REQUIRED CONFIG)  # Boost::headers
if(BLOCSIM_USE_OPENMP)
  find_package(OpenMP REQUIRED)
endif()
set(BLOCSIM_HAVE_MPI OFF)
if(BLOCSIM_USE_MPI)
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    set(BLOCSIM_HAVE_MPI ON)
  else()
    message(STATUS "MPI not found: building without MPI sweeps")
  endif()
endif()
# fmt (Debian libfmt-dev, >= 9): header-only, for Dragonbox's shortest digits in
# the output number format (sim/output/format.cpp).
find_package(fmt 9 CONFIG QUIET)
if(NOT fmt_FOUND)
  message(FATAL_ERROR "fmt >= 9 not found: install the Debian package libfmt-dev (tools/deps.sh)")
endif()
