#!/usr/bin/env bash
# The program must not look for its shared libraries in the current directory:
#   test_library_search.sh PATH/TO/blocsim PATH/TO/libblocsim_decoy_library.so
# (1) Every element of its RPATH / RUNPATH is an absolute path or starts with
#     $ORIGIN (an empty element, such as CMake's trailing ':' padding, or a
#     relative one means "the current directory" to the dynamic loader).
# (2) Started in a folder holding the decoy library under the name of every
#     library the program needs (DT_NEEDED), `blocsim --version` and a short run
#     still work: the loader took the real libraries, not the decoys.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
decoy=$(realpath "$2")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/blocsim-libsearch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v readelf >/dev/null || fail "readelf (binutils) not found"

# (1) for the program and, when built, its MPI plugin (loaded under mpirun)
plugin=$(dirname "$bin")/blocsim_mpi.so
for f in "$bin" $([[ -f "$plugin" ]] && echo "$plugin"); do
  paths=$(readelf -d "$f" | sed -n 's/.*(\(RPATH\|RUNPATH\)).*\[\(.*\)\]$/\2/p')
  echo "search path of $(basename "$f"): ${paths:-(none)}"
  [[ -n "$paths" ]] || continue
  while IFS= read -r line; do
    IFS=':' read -r -a elems <<<"$line"
    [[ "$line" == *: ]] && elems+=("")   # a trailing ':' is an empty element
    for e in "${elems[@]}"; do
      [[ "$e" == /* || "$e" == '$ORIGIN'* ]] || fail "search path element '$e' of '$line' ($f) is empty or relative (= the current directory)"
    done
  done <<<"$paths"
done
dyn=$(readelf -d "$bin")

mapfile -t needed < <(sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' <<<"$dyn")
((${#needed[@]} > 0)) || fail "no NEEDED entries read from $bin"
mkdir "$tmp/decoys"
for lib in "${needed[@]}"; do
  case "$lib" in ld-linux*) continue ;; esac   # the loader itself is not searched for
  cp "$decoy" "$tmp/decoys/$lib"
done
echo "decoys: $(ls "$tmp/decoys" | tr '\n' ' ')"
cd "$tmp/decoys"
out=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$bin" --version 2>&1) || fail "blocsim --version failed next to decoy libraries: $out"
grep -q "^blocsim " <<<"$out" || fail "unexpected --version output: $out"
env -u LD_LIBRARY_PATH -u LD_PRELOAD "$bin" run "$root/scenarios/minimal.yaml" -o "$tmp/run" -q \
  || fail "a run failed next to decoy libraries"
test -s "$tmp/run/timeseries.csv" || fail "the run wrote no time series"
echo "OK: no empty or relative search path element; the decoys were not loaded"
