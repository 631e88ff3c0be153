#!/usr/bin/env bash
# Checkpoint and resume of the families other than position auctions (commons,
# cloud, facility): a run stopped after round 2 at 2 ranks, resumed at 3 ranks
# and stopped again after round 4, then resumed at 1 rank to the end, must give
# every dataset h5diff-identical to an uninterrupted run, and leave no
# checkpoint behind. Every top-level group of the reference is compared (root
# attributes such as the start time and rank count may differ). On the way, a
# resume with another seed, or from a checkpoint whose state was altered (the
# digest over the state blocks catches it), is refused in one line and keeps
# the partial output, and `agora diff` finds the resumed run identical, another seed's different,
# and a run of another family a run of another family.
# usage: checkpoint_family.sh AGORA MPIEXEC PYTHON SCENARIO...   (each with >= 6 rounds)
set -u
agora=$1 mpiexec=$2 python=$3
here=$(cd "$(dirname "$0")" && pwd)
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
mpi() { local n=$1; shift; "$mpiexec" --allow-run-as-root --oversubscribe -n "$n" "$@"; }
fail() { echo "FAIL $name: $*"; failed=$((failed + 1)); }
for scenario in "$@"; do
  name=$(basename "$scenario" .yaml)
  ref="$tmp/$name-ref.h5" out="$tmp/$name.h5" ckpt="$tmp/$name.ckpt.h5"
  "$agora" run "$scenario" --out "$ref" --quiet || { fail "reference run"; continue; }
  mpi 2 "$agora" run "$scenario" --out "$out" --quiet --stop-after 2 2> "$tmp/err"
  rc=$?
  if [ $rc != 75 ] || [ ! -f "$ckpt" ] || [ -f "$out" ]; then
    fail "the stop after round 2 (exit $rc): $(head -c 300 "$tmp/err")"; continue
  fi
  # Another scenario's checkpoint is refused in one line, the partial output kept.
  "$agora" run "$scenario" --out "$out" --quiet --resume "$ckpt" --set seed=987654 2> "$tmp/err"
  rc=$?
  if [ $rc != 2 ] || [ "$(wc -l < "$tmp/err")" != 1 ] ||
     ! grep -q "checkpoint of a different scenario" "$tmp/err" || [ ! -f "$out.partial" ]; then
    fail "resuming with another seed (exit $rc): $(head -c 300 "$tmp/err")"; continue
  fi
  # One saved value changed: its first state block's first row gains 1.
  cp "$ckpt" "$tmp/altered.ckpt.h5"
  "$python" - "$tmp/altered.ckpt.h5" <<'PY'
import sys, h5py
f = h5py.File(sys.argv[1], "r+")
block = f[sorted(k for k in f if isinstance(f[k], h5py.Dataset))[0]]
block[0, 0] += 1
PY
  "$agora" run "$scenario" --out "$out" --quiet --resume "$tmp/altered.ckpt.h5" 2> "$tmp/err"
  rc=$?
  if [ $rc != 2 ] || [ "$(wc -l < "$tmp/err")" != 1 ] || [ ! -f "$out.partial" ] ||
     ! grep -q "does not match the checkpoint's digest" "$tmp/err"; then
    fail "resuming from an altered checkpoint (exit $rc): $(head -c 300 "$tmp/err")"; continue
  fi
  mpi 3 "$agora" run "$scenario" --out "$out" --quiet --resume "$ckpt" --stop-after 4 2> "$tmp/err"
  rc=$?
  if [ $rc != 75 ] || [ -f "$out" ]; then
    fail "resuming at 3 ranks and stopping after round 4 (exit $rc): $(head -c 300 "$tmp/err")"; continue
  fi
  if ! "$agora" run "$scenario" --out "$out" --quiet --resume "$ckpt" 2> "$tmp/err"; then
    fail "resuming at 1 rank: $(head -c 300 "$tmp/err")"; continue
  fi
  [ -f "$ckpt" ] && { fail "the finished run left its checkpoint"; continue; }
  ok=1 groups=0
  for g in $(h5ls "$ref" | awk '$2 == "Group" {print $1}'); do
    groups=$((groups + 1))
    h5diff -q "$ref" "$out" "/$g" "/$g" > /dev/null 2>&1 || { ok=0; echo "  /$g differs"; }
  done
  [ $groups -gt 0 ] || ok=0
  # agora diff agrees, and names a first differing round for another seed.
  "$agora" diff "$ref" "$out" > "$tmp/diff" || { ok=0; echo "  agora diff: $(cat "$tmp/diff")"; }
  "$agora" run "$scenario" --out "$tmp/$name-seed.h5" --quiet --set seed=987654
  "$agora" diff "$ref" "$tmp/$name-seed.h5" > "$tmp/diff"
  if [ $? != 1 ] || ! grep -q "first differs at round" "$tmp/diff"; then
    ok=0; echo "  agora diff with another seed: $(cat "$tmp/diff")"
  fi
  # A run of another family: agora diff says so.
  family=$(sed -n 's/^family: *//p' "$scenario")
  other=cloud_small other_family=cloud
  [ "$family" = cloud ] && other=facility_committees other_family=facility
  [ -f "$tmp/other-$other.h5" ] || "$agora" run "$here/scenarios/$other.yaml" --out "$tmp/other-$other.h5" --quiet
  "$agora" diff "$ref" "$tmp/other-$other.h5" > "$tmp/diff"
  if [ $? != 1 ] || ! grep -q "is a $family run, .* a $other_family run" "$tmp/diff"; then
    ok=0; echo "  agora diff of a $family and a $other_family run: $(cat "$tmp/diff")"
  fi
  if [ $ok = 1 ]; then echo "PASS $name: 2 ranks, then 3, then 1: $groups groups identical"; passed=$((passed + 1))
  else fail "the resumed run differs"; fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
