#!/usr/bin/env bash
# Install BlocSim into a temporary prefix and run it with the source and build
# trees moved away (issue 13):
#   test_install.sh PATH/TO/blocsim   (the suite's binary, for a byte comparison)
# A copy of the source tree (tracked and untracked-but-not-ignored files) is
# configured, built (blocsim + the Python module, no tests, -O1 to keep the
# suite fast), installed with `cmake --install --prefix`, and then both the
# copy and its build folder are renamed, and the installed prefix is moved too
# (a relocatable prefix). From an unrelated folder the installed `blocsim`
# must find its data directory (<prefix>/share/blocsim), run shipped
# scenarios by name and by path, and give the same bytes as the suite's
# binary; the installed Python module must do the same; BLOCSIM_DATA_DIR must
# override the location.
# Under CI (CI=true, or BLOCSIM_INSTALL_TEST=fast) the second build is left
# out: the suite's own build folder (the one holding PATH/TO/blocsim, itself
# built from a clean clone) is installed instead. Its source and build trees
# cannot be moved while the suite runs, so there the check that nothing is read
# from them rests on the moved prefix, `--version`'s data directory and the
# metadata (the full test, outside CI, also moves the trees). The second build
# took 279 s of one core on a slow 2-core machine.
set -euo pipefail
ref_bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/blocsim-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

fast=0
[[ ${CI:-} == true || ${BLOCSIM_INSTALL_TEST:-} == fast ]] && fast=1
if ((fast)); then
  build=$(dirname "$ref_bin")
  test -f "$build/CMakeCache.txt" || fail "$build (the folder of $ref_bin) is not a build folder"
  echo "== install the suite's build folder $build (CI: no second build)"
  cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" || fail "install"
  compgen -G "$build/python/blocsim/_core*.so" >/dev/null && have_py=1 || have_py=0
else
  echo "== copy the source tree to $tmp/src"
  mkdir -p "$tmp/src"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' \
    | tar -cf - -T -) | tar -xf - -C "$tmp/src"

  echo "== configure, build, install"
  cmake -S "$tmp/src" -B "$tmp/build" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1" -DBLOCSIM_BUILD_TESTS=OFF \
    -DBLOCSIM_USE_MPI=OFF -DBLOCSIM_NATIVE=OFF -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF >"$tmp/configure.log" \
    || { cat "$tmp/configure.log"; fail "configure"; }
  grep -q "Python module: on" "$tmp/configure.log" && have_py=1 || have_py=0
  cmake --build "$tmp/build" -j"$(nproc)" >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log"; fail "build"; }
  cmake --install "$tmp/build" --prefix "$tmp/prefix" >"$tmp/install.log" || fail "install"
fi
P=$tmp/prefix
test -x "$P/bin/blocsim" || fail "bin/blocsim not installed"
test -f "$P/share/blocsim/scenarios/baseline.yaml" || fail "scenario library not installed"
test -f "$P/share/blocsim/scenarios/world/countries.csv" || fail "world data not installed"
test -f "$P/share/doc/blocsim/LICENSE" && test -f "$P/share/doc/blocsim/CITATION.cff" || fail "licence/citation not installed"

if ((fast)); then
  echo "== move the installed prefix"
else
  echo "== move the source and build trees away, and the installed prefix"
  mv "$tmp/src" "$tmp/src-moved"
  mv "$tmp/build" "$tmp/build-moved"
fi
mv "$tmp/prefix" "$tmp/prefix-moved"
P=$tmp/prefix-moved
mkdir "$tmp/work"
cd "$tmp/work"

v=$("$P/bin/blocsim" --version)
echo "$v"
grep -qx "data directory: $P/share/blocsim" <<<"$v" || fail "installed blocsim does not use $P/share/blocsim"
# an MPI build installs its plugin under lib*/blocsim/ and finds it there after the move
for plugin in "$P"/lib*/blocsim/blocsim_mpi.so; do
  [[ -f "$plugin" ]] || continue
  grep -qx "MPI plugin: $plugin" <<<"$v" || fail "installed blocsim does not load its MPI plugin $plugin"
done

"$P/bin/blocsim" validate baseline.yaml >/dev/null || fail "validate a shipped scenario by name"
"$P/bin/blocsim" run scenarios/baseline.yaml --ticks 6 -r 2 --out by_name -q || fail "run a shipped scenario by name"
"$P/bin/blocsim" run "$P/share/blocsim/scenarios/minimal.yaml" -r 2 --out by_path -q || fail "run by path"
"$ref_bin" run "$root/scenarios/baseline.yaml" --ticks 6 -r 2 --out ref_baseline -q
"$ref_bin" run "$root/scenarios/minimal.yaml" -r 2 --out ref_minimal -q
for f in timeseries.csv countries.csv; do
  cmp -s by_name/$f ref_baseline/$f || fail "installed baseline $f differs from the suite's binary"
  cmp -s by_path/$f ref_minimal/$f || fail "installed minimal $f differs from the suite's binary"
done
grep -q "data_files:.*$P/share/blocsim/scenarios/world" by_name/metadata.yaml || fail "world data not read from the prefix"
! grep -q "$tmp/src" by_name/metadata.yaml || fail "metadata mentions the source tree"

echo "== BLOCSIM_DATA_DIR overrides"
cp -r "$P/share/blocsim" "$tmp/otherdata"
BLOCSIM_DATA_DIR=$tmp/otherdata "$P/bin/blocsim" --version | grep -qx "data directory: $tmp/otherdata" \
  || fail "BLOCSIM_DATA_DIR ignored"
BLOCSIM_DATA_DIR=$tmp/otherdata "$P/bin/blocsim" run minimal.yaml --out via_env -q
grep -q "path: \"$tmp/otherdata/scenarios/minimal.yaml\"" via_env/metadata.yaml || fail "run did not use BLOCSIM_DATA_DIR"
if BLOCSIM_DATA_DIR=$tmp/nowhere "$P/bin/blocsim" run minimal.yaml --out bad -q 2>err.txt; then
  fail "a missing BLOCSIM_DATA_DIR was accepted"
fi
grep -q "BLOCSIM_DATA_DIR" err.txt || fail "no message about BLOCSIM_DATA_DIR"

if ((have_py)); then
  echo "== installed Python module"
  pydir=$(find "$P" -type d -name blocsim -path "*packages/blocsim" | head -1)
  test -n "$pydir" || fail "Python package not installed"
  PYTHONPATH=$(dirname "$pydir") /usr/bin/python3 - "$P" <<'PY' || fail "installed Python module"
import sys, blocsim
prefix = sys.argv[1]
assert blocsim.data_dir() == prefix + "/share/blocsim", blocsim.data_dir()
r = blocsim.run("minimal.yaml", replicates=2)
import pandas as pd
ref = pd.read_csv("ref_minimal/timeseries.csv", float_precision="round_trip")
assert r.timeseries.shape == ref.shape, (r.timeseries.shape, ref.shape)
assert (r.timeseries["fragmentation"].to_numpy() == ref["fragmentation"].to_numpy()).all()
print("python:", blocsim.__version__, blocsim.data_dir(), r.timeseries.shape)
PY
else
  echo "(Python module not configured in the copy: skipped its check)"
fi
echo "install test: ok"
