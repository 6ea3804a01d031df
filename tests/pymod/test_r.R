# The R example of docs/python.md, through reticulate (test python_from_r).
#   PYTHONPATH=<build>/python Rscript tests/pymod/test_r.R   (from the repository root)
suppressMessages(library(reticulate))
use_python("/usr/bin/python3", required = TRUE)
blocsim <- import("blocsim")
r <- blocsim$run("scenarios/minimal.yaml", replicates = 3L, set = dict("model.beta_peer" = 1.0), out = file.path(tempdir(), "r_run"))
ts <- r$timeseries
stopifnot(is.data.frame(ts), nrow(ts) == 3 * 13, "bloc_gdp_us" %in% names(ts))
csv <- read.csv(file.path(tempdir(), "r_run", "timeseries.csv"))
stopifnot(identical(as.numeric(ts$fragmentation), as.numeric(csv$fragmentation)))
med <- aggregate(bloc_gdp_us ~ date, data = ts, FUN = median)
stopifnot(nrow(med) == 13)
msg <- tryCatch({ blocsim$validate("tests/data/bad/bad_event_late.yaml"); "" },
                error = function(e) conditionMessage(e))
stopifnot(grepl("bad_event_late.yaml:6:11: timeline[1].tick", msg, fixed = TRUE))
m <- blocsim$Model("scenarios/minimal.yaml", outcomes = c("fragmentation"), replicates = 2L)
out <- do.call(m, list("model.beta_peer" = 1.0))
stopifnot(is.numeric(out$fragmentation))
cat("R via reticulate: ok —", nrow(ts), "rows; fragmentation", out$fragmentation, "\n")
