#!/usr/bin/env bash
# Install BlocSim's Debian/Ubuntu packages if any are missing (apt; sudo when not root).
#   tools/deps.sh run    build + run + figures
#   tools/deps.sh test   everything the test suite needs (adds Open MPI, Slurm)
set -euo pipefail
what=${1:-run}
pkgs=(cmake g++ make libeigen3-dev libyaml-cpp-dev libcli11-dev doctest-dev
      python3 python3-matplotlib python3-pandas python3-numpy python3-geopandas python3-yaml
      python3-dev pybind11-dev libboost-dev libboost-math-dev libfmt-dev)
if [[ $what == test ]]; then
  pkgs+=(libopenmpi-dev openmpi-bin slurmctld slurmd slurm-client git procps
         python3-pytest jupyter-nbconvert python3-nbformat python3-ipykernel snakemake r-cran-reticulate
         valgrind   # `blocsim bench` counts instructions per tick (and its test)
         python3-openpyxl python3-xlrd python3-rdata)  # tools/world_sources.py reads the .xlsx, .xls and .rds releases (world builder tests)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "blocsim: installing ${missing[*]}" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Map shapes for tools/plot and land borders for tools/build_world.py: the npm package world-atlas
# (Natural Earth as TopoJSON) in ~/.cache/blocsim-npm, when npm is available.
npm_dir="${BLOCSIM_NPM_DIR:-$HOME/.cache/blocsim-npm}"
if [[ ! -f $npm_dir/node_modules/world-atlas/countries-110m.json ]]; then
  if command -v npm >/dev/null; then
    mkdir -p "$npm_dir" && (cd "$npm_dir" && npm install --silent world-atlas@2.0.2 world-countries >/dev/null)
  else
    echo "blocsim: npm not found - maps (tools/plot map) need: npm install world-atlas@2.0.2 in $npm_dir" >&2
  fi
fi
