#!/usr/bin/env bash
# Derived snapshot fields (all of them: output.fields=all) are written in pieces of AGORA_SNAPSHOT_PIECE agents
# (sim/engine.c, plan_pieces). Pieces of 7 agents split the 997 agents of the
# scenario at every rank count and leave some ranks with fewer pieces than
# others (empty collective writes); the datasets must equal those of a run that
# writes each field in one piece, at 1, 2 and 3 ranks. Uncompressed, since
# compressed output always writes one piece.
# usage: snapshot_pieces.sh AGORA SCENARIO MPIEXEC
set -u
agora=$1 scenario=$2 mpiexec=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
run() { # ranks out [env...]
  local p=$1 out=$2; shift 2
  env "$@" "$mpiexec" --allow-run-as-root --oversubscribe -n "$p" "$agora" run "$scenario" \
    --set output.compress=0 --set output.fields=all --out "$out" --quiet
}
if ! run 1 "$tmp/whole.h5"; then echo "FAIL the reference run failed"; exit 1; fi
for p in 1 2 3; do
  if ! run "$p" "$tmp/pieces-$p.h5" AGORA_SNAPSHOT_PIECE=7; then
    echo "FAIL pieces of 7 at $p ranks: the run failed"; failed=$((failed + 1)); continue
  fi
  ok=1
  for group in /agents /metrics /population; do
    if ! h5diff -r "$tmp/whole.h5" "$tmp/pieces-$p.h5" "$group" "$group" > "$tmp/diff" 2>&1; then
      echo "FAIL pieces of 7 at $p ranks: $group differs"; head -20 "$tmp/diff"; ok=0
    fi
  done
  if [ $ok = 1 ]; then echo "PASS pieces of 7 at $p ranks equal one piece"; passed=$((passed + 1));
  else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
