#!/usr/bin/env bash
# The git commit stamped into version.cpp (cmake/BlocsimVersionFile.cmake) is
# HEAD's at build time, not at configure time:
#   test_version_stamp.sh SOURCE_DIR BUILD_DIR BLOCSIM
# 1. the script in a scratch git repository: the commit, "-dirty" after an edit
#    of a tracked file (not for an untracked one), a new commit after `git
#    commit`, the file left untouched (same mtime) when nothing changed, the
#    -DBLOCSIM_GIT_SHA override, and "unknown" outside any repository;
# 2. the build folder's blocsim_version target writes the source tree's HEAD;
# 3. `blocsim --version` names that commit (when the source tree is a git
#    checkout).
set -euo pipefail
src=$(realpath "$1"); bin=$(realpath "$2"); exe=$(realpath "$3")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/blocsim-version.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v git >/dev/null || { echo "git not installed: skipped"; exit 0; }
git_=$(command -v git)
sha_in() { sed -n 's/.*kGitSha = "\(.*\)";/\1/p' "$1"; }  # the commit a version.cpp names
stamp() {  # stamp DIR [override] -> the commit DIR/version.cpp names
  cmake "-DSRC=$src/sim/version.cpp.in" "-DDST=$1/version.cpp" "-DSOURCE_DIR=$1" "-DGIT_EXECUTABLE=$git_" \
    -DPROJECT_VERSION=9.9.9 "-DBLOCSIM_COMPILER=GNU 0" -DCMAKE_BUILD_TYPE=Release "-DBLOCSIM_GIT_SHA_OVERRIDE=${2:-}" \
    -P "$src/cmake/BlocsimVersionFile.cmake"
  sha_in "$1/version.cpp"
}

echo "== 1. the script in a scratch repository"
r=$tmp/repo
mkdir -p "$r" && cd "$r"
git init -q . && git config user.email t@example.org && git config user.name t
echo a > tracked.txt && git add tracked.txt && git commit -qm one
c1=$(git rev-parse --short=12 HEAD)
s=$(stamp "$r"); [[ $s == "$c1" ]] || fail "clean tree: got '$s', expected $c1"
grep -q 'kVersion = "9.9.9"' version.cpp || fail "the version was not substituted"
# version.cpp itself is untracked here, as in a build folder: not dirty
m0=$(stat -c %y version.cpp)
sleep 1.1
s=$(stamp "$r"); [[ $s == "$c1" ]] || fail "second stamp: got '$s'"
[[ $(stat -c %y version.cpp) == "$m0" ]] || fail "an unchanged stamp rewrote version.cpp (every build would recompile it)"
echo b > untracked.txt
s=$(stamp "$r"); [[ $s == "$c1" ]] || fail "an untracked file made the tree dirty: '$s'"
echo b >> tracked.txt
s=$(stamp "$r"); [[ $s == "$c1-dirty" ]] || fail "edited tracked file: got '$s', expected $c1-dirty"
git commit -qam two
c2=$(git rev-parse --short=12 HEAD)
[[ $c2 != "$c1" ]] || fail "scratch repository did not get a new commit"
s=$(stamp "$r"); [[ $s == "$c2" ]] || fail "after a commit: got '$s', expected $c2"
s=$(stamp "$r" 0123456789ab); [[ $s == 0123456789ab ]] || fail "override: got '$s'"
mkdir -p "$tmp/nogit"
s=$(GIT_CEILING_DIRECTORIES=$tmp stamp "$tmp/nogit"); [[ $s == unknown ]] || fail "outside a repository: got '$s'"

echo "== 2. the build folder's blocsim_version target"
cd "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  head=$(git rev-parse --short=12 HEAD)
  cmake --build "$bin" --target blocsim_version >/dev/null || fail "target blocsim_version"
  s=$(sha_in "$bin/version.cpp")
  [[ ${s%-dirty} == "$head" ]] || fail "build folder's version.cpp says '$s', HEAD is $head"
  echo "== 3. blocsim --version"
  v=$("$exe" --version | head -1)
  [[ $v == *"($head"* ]] || fail "'$v' does not name HEAD ($head): rebuild after committing"
else
  echo "source tree is not a git checkout: steps 2 and 3 skipped"
fi
echo "version stamp ok"
