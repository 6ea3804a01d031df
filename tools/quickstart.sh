#!/usr/bin/env bash
# The main job, from a fresh Debian/Ubuntu machine: install what is missing,
# build BlocSim (command and Python module), run the 2025 baseline (20 replicates) and draw its figures.
#   tools/quickstart.sh [extra blocsim run options, e.g. --replicates 50]
#   QUICKSTART_DRY_RUN=1 tools/quickstart.sh ...   prints the run command only
set -euo pipefail
cd "$(dirname "$0")/.."
# Defaults that the caller's own options replace (CLI11 takes each option once).
defaults=(--replicates 20)
for a in "$@"; do
  case $a in -r | -r[0-9]* | --replicates | --replicates=*) defaults=() ;; esac
done
run=(./build/blocsim run scenarios/baseline.yaml "${defaults[@]}" --out results/baseline --overwrite "$@")
if [[ ${QUICKSTART_DRY_RUN:-} == 1 ]]; then printf '%q ' "${run[@]}"; echo; exit 0; fi
tools/deps.sh run
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBLOCSIM_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target blocsim
# The Python module too, when pybind11 is there (tools/deps.sh installs it); then make it importable.
if cmake --build build --target help | grep -q blocsim_python; then
  cmake --build build -j"$(nproc)" --target blocsim_python
  tools/python_setup.sh build     # `import blocsim` in /usr/bin/python3 (a .pth file in the user site)
fi
"${run[@]}"
tools/plot run results/baseline
tools/plot map results/baseline --date 2025-07 --date 2030-07 --date 2035-07
echo "Figures: results/baseline/figures/"
