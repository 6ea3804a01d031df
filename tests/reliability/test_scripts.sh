#!/usr/bin/env bash
# Issue 15 regressions in the scripts and the README (defects 8 and 11):
#  - tools/quickstart.sh --replicates 50 passes one --replicates to blocsim;
#  - every scenario file the README's tour uses exists or is written by the tour,
#    and the tour's variant validates;
#  - tools/slurm/local_cluster.sh env prints a line that `eval` survives for
#    a state folder with spaces and shell characters.
#   test_scripts.sh BLOCSIM_BINARY
set -euo pipefail
BIN=$1
cd "$(dirname "$0")/../.."
fail=0
no() { echo "FAIL: $*" >&2; fail=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rm -f scenarios/tour_variant_check_$$.yaml' EXIT

# quickstart: the user's --replicates replaces the default. A copy in an empty
# tree, so a script without the dry run fails here instead of building.
mkdir -p "$tmp/qs/tools"
cp tools/quickstart.sh "$tmp/qs/tools/"
qs() { QUICKSTART_DRY_RUN=1 "$tmp/qs/tools/quickstart.sh" "$@" 2>/dev/null || echo "quickstart failed"; }
cmd=$(qs --replicates 50)
[[ $(grep -o -- '--replicates' <<<"$cmd" | wc -l) == 1 ]] || no "quickstart passes --replicates twice: $cmd"
[[ $cmd == *"--replicates 50"* ]] || no "quickstart lost --replicates 50: $cmd"
cmd=$(qs -r5)
[[ $cmd != *"--replicates 20"* ]] || no "quickstart -r5 keeps the default: $cmd"
cmd=$(qs --seed 3)
[[ $cmd == *"--replicates 20"* && $cmd == *"--seed 3"* ]] || no "quickstart default lost: $cmd"

# README tour: files exist or are created, and the variant validates
tour=$(awk '/^## A short tour/{on=1} on && /^```sh/{inblk=1; next} inblk && /^```/{exit} inblk' README.md)
[[ -n $tour ]] || no "README has no tour block"
created=$(grep -o '> *scenarios/[A-Za-z0-9_./-]*\.yaml' <<<"$tour" | sed 's/> *//' || true)
for f in $(grep -o 'scenarios/[A-Za-z0-9_./-]*\.yaml' <<<"$tour" | sort -u); do
  [[ -f $f ]] || grep -qx "$f" <<<"$created" || no "README tour uses $f, which neither exists nor is created by the tour"
done
while IFS= read -r line; do
  target=$(grep -o '> *scenarios/[A-Za-z0-9_./-]*\.yaml' <<<"$line" | sed 's/> *//')
  line=${line//$target/scenarios/tour_variant_check_$$.yaml}
  (eval "${line%%#*}") || no "tour line failed: $line"
  "$BIN" validate "scenarios/tour_variant_check_$$.yaml" >/dev/null || no "the tour's variant does not validate"
  rm -f "scenarios/tour_variant_check_$$.yaml"
done < <(grep '> *scenarios/' <<<"$tour" || true)

# local_cluster.sh env: eval-safe
weird="$tmp/state dir \$(touch $tmp/pwned);x"
line=$(BLOCSIM_SLURM_DIR=$weird tools/slurm/local_cluster.sh env)
( eval "$line"; [[ $SLURM_CONF == "$weird/slurm.conf" ]] ) || no "local_cluster.sh env is not eval-safe: $line"
[[ ! -e $tmp/pwned ]] || no "local_cluster.sh env line executed a command substitution"

[[ $fail == 0 ]] && echo "scripts: ok"
exit $fail
