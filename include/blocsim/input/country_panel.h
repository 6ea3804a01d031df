//! \file country_panel.h
//! \brief Observed country-year panels: one number per (iso3, year) read from
//! a CSV with columns `iso3`, `year` and a value column — the UNGA ideal
//! points (`scenarios/world/unga.csv`) that `blocsim calibrate` fits and
//! `blocsim score` uses as a baseline. One reader for both, through the one
//! CSV reader (io/csv.h), with `file:line:col` errors.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "blocsim/io/error.h"

namespace blocsim {

//! year → (iso3 → value)
using CountryPanel = std::map<int, std::map<std::string, double>>;

//! Read `column` of a country-year CSV. An empty, `NA` or `nan` cell means "no
//! estimate that year" and is skipped. Every problem — missing file or
//! column, a year that is not an integer, a value that is not a finite
//! number, a second row for the same country and year, a row with the wrong
//! number of fields — is collected and thrown together as one ConfigError
//! (`file:line:col: <column>: message`). `from` locates the place that named
//! the file (reported if it does not exist).
CountryPanel read_country_panel(const std::filesystem::path& file, const std::string& column,
                                const SourceLoc& from = {});

}  // namespace blocsim
