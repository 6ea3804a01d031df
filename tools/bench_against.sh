#!/usr/bin/env bash
# Time this build against the code of another commit, side by side in one run (issue 14).
#
#   tools/bench_against.sh [COMMIT] [BENCH ARGS...]
#
# Builds the `blocsim` target of COMMIT (default f6d95f2: the code when issue 14 was filed) once, in
#   ${BLOCSIM_BENCH_CACHE:-${XDG_CACHE_HOME:-~/.cache}/blocsim-bench}/<commit>/
# (a `git clone --shared` of this repository at COMMIT, Release, the same compiler, launcher and BLOCSIM_* options as this
# checkout's build; ccache when installed), then runs
#   <build>/blocsim bench --against <that blocsim> BENCH ARGS...
# with this checkout's build (BLOCSIM_BUILD_DIR, default build/; build it first).
# Examples:
#   tools/bench_against.sh                                   # full bench vs f6d95f2
#   tools/bench_against.sh f6d95f2 --sizes 100000 --ticks 3 --runs 40
#   tools/bench_against.sh HEAD~5 --sizes '' --no-instructions
set -euo pipefail

die() { echo "bench_against.sh: $*" >&2; exit 2; }

commit=f6d95f2
if [[ $# -gt 0 && $1 != -* ]]; then commit=$1; shift; fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v git >/dev/null || die "git is not installed (needed to build another commit)"
repo=$(git -C "$here/.." rev-parse --show-toplevel 2>/dev/null) ||
  die "$here/.. is not a git checkout: building another commit needs the repository's history (git clone, not a source archive)"
sha=$(git -C "$repo" rev-parse --verify --quiet "$commit^{commit}") ||
  die "unknown commit '$commit' in $repo (a shallow clone may lack it: git fetch --unshallow)"
short=${sha:0:12}

build=${BLOCSIM_BUILD_DIR:-$repo/build}
current=$build/blocsim
[[ -x $current ]] || die "$current not found: build this checkout first:
  cmake -S '$repo' -B '$build' -DCMAKE_BUILD_TYPE=Release && cmake --build '$build' -j2 --target blocsim"

# The same compiler and options as this checkout's build.
cache_var() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null | head -n1; }
opts=(-DCMAKE_BUILD_TYPE=Release -DBLOCSIM_BUILD_TESTS=OFF)
for v in CMAKE_CXX_COMPILER CMAKE_C_COMPILER CMAKE_CXX_FLAGS BLOCSIM_NATIVE BLOCSIM_USE_OPENMP BLOCSIM_USE_MPI BLOCSIM_CHECKS; do
  val=$(cache_var "$v")
  [[ -n $val ]] && opts+=("-D$v=$val")
done
launcher=$(cache_var CMAKE_CXX_COMPILER_LAUNCHER)
[[ -z $launcher ]] && command -v ccache >/dev/null && launcher=ccache
[[ -n $launcher ]] && opts+=("-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher")

root=${BLOCSIM_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/blocsim-bench}
dir=$root/$short
other=$dir/build/blocsim
stamp="${opts[*]}"
if [[ ! -x $other || "$(cat "$dir/options.txt" 2>/dev/null)" != "$stamp" ]]; then
  echo "bench_against.sh: building blocsim at $short in $dir" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  # a clone sharing this repository's objects (this repository is not changed), so that the
  # build's `--version` names the commit; `git archive` (version "unknown") when that fails
  if ! { git clone -q --shared --no-checkout "$repo" "$dir/src" 2>/dev/null &&
         git -C "$dir/src" -c advice.detachedHead=false checkout -q --detach "$sha" 2>/dev/null; }; then
    rm -rf "$dir/src" && mkdir -p "$dir/src"
    git -C "$repo" archive "$sha" | tar -x -C "$dir/src"
  fi
  cmake -S "$dir/src" -B "$dir/build" "${opts[@]}" >"$dir/configure.log" 2>&1 ||
    { tail -n 30 "$dir/configure.log" >&2; die "configuring $short failed (log: $dir/configure.log)"; }
  cmake --build "$dir/build" -j"$(nproc 2>/dev/null || echo 2)" --target blocsim >"$dir/build.log" 2>&1 ||
    { tail -n 30 "$dir/build.log" >&2; die "building $short failed (log: $dir/build.log)"; }
  [[ -x $other ]] || die "the build of $short made no $other"
  printf '%s' "$stamp" >"$dir/options.txt"
fi
echo "bench_against.sh: $("$current" --version | head -n1)  vs  $("$other" --version | head -n1)" >&2
exec "$current" bench --against "$other" "$@"
