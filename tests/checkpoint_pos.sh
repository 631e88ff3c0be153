#!/usr/bin/env bash
# Checkpoint and resume of the issue-5 markets (quality scores, AIGC): a run
# stopped after a round at one rank count and resumed at another must give
# datasets h5diff-identical to an uninterrupted run. Quality and pair-CTR noise
# are derived from keyed streams, so no checkpoint state carries them; this
# checks that claim. (tests/checkpoint.sh covers the checkpoint machinery.)
# usage: checkpoint_pos.sh AGORA MPIEXEC SCENARIO...
set -u
agora=$1 mpiexec=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
mpi() { local n=$1; shift; "$mpiexec" --allow-run-as-root --oversubscribe -n "$n" "$@"; }
for scenario in "$@"; do
  name=$(basename "$scenario" .yaml)
  ref="$tmp/$name-ref.h5" out="$tmp/$name.h5"
  "$agora" run "$scenario" --out "$ref" --quiet || { echo "FAIL $name: reference run"; failed=$((failed + 1)); continue; }
  mpi 2 "$agora" run "$scenario" --out "$out" --quiet --stop-after 3 2> /dev/null
  if [ $? = 0 ] || [ ! -f "${out%.h5}.ckpt.h5" ]; then
    echo "FAIL $name: the stop after round 3 left no checkpoint"; failed=$((failed + 1)); continue
  fi
  if ! mpi 3 "$agora" run "$scenario" --out "$out" --quiet --resume "${out%.h5}.ckpt.h5"; then
    echo "FAIL $name: resuming at 3 ranks"; failed=$((failed + 1)); continue
  fi
  ok=1
  for g in /metrics /agents /population; do
    h5diff -q "$ref" "$out" "$g" "$g" > /dev/null 2>&1 || ok=0
  done
  if [ $ok = 1 ]; then echo "PASS $name: stopped at 2 ranks, resumed at 3: identical"; passed=$((passed + 1))
  else echo "FAIL $name: the resumed run differs"; failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
