#!/usr/bin/env bash
# Install BlocSim's Debian/Ubuntu packages if any are missing (apt; sudo when not root).
#   tools/deps.sh run    build + run + figures
#   tools/deps.sh test   everything the test suite needs (adds Open MPI, Slurm)
set -euo pipefail
what=${1:-run}
pkgs=(cmake g++ make libeigen3-dev libyaml-cpp-dev libcli11-dev doctest-dev
      python3 python3-matplotlib python3-pandas python3-numpy python3-geopandas python3-yaml
      python3-dev pybind11-dev)
if [[ $what == test ]]; then
  pkgs+=(libopenmpi-dev openmpi-bin slurmctld slurmd slurm-client git procps
         python3-pytest jupyter-nbconvert python3-nbformat python3-ipykernel snakemake r-cran-reticulate)
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
