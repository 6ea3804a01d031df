//! \file version.h
//! \brief Build identity, recorded in every run's metadata.
#pragma once

namespace blocsim {
extern const char* const kVersion;    //!< project version, e.g. "0.1.0"
extern const char* const kGitSha;     //!< short git SHA at configure time, or "unknown"
extern const char* const kCompiler;   //!< compiler id and version
extern const char* const kBuildType;  //!< CMake build type
}  // namespace blocsim
