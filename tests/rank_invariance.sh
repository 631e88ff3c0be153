#!/usr/bin/env bash
# Runs one scenario at 1, 2, 3 and 4 ranks (and under each mechanism) and checks
# with h5diff that every dataset is identical to the 1-rank run (DESIGN.md,
# invariant 1). Only the `ranks` and time attributes may differ.
# usage: rank_invariance.sh AGORA SCENARIO MPIEXEC
set -u
agora=$1 scenario=$2 mpiexec=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
for mech in gsp vcg gfp; do
  for p in 1 2 3 4; do
    out="$tmp/$mech-$p.h5"
    if ! "$mpiexec" --allow-run-as-root --oversubscribe -n "$p" "$agora" run "$scenario" \
         --set "mechanism.name=$mech" --out "$out" --quiet; then
      echo "FAIL $mech at $p ranks: the run failed"; failed=$((failed + 1)); continue
    fi
    [ "$p" = 1 ] && continue
    ok=1
    for group in /metrics /agents /population; do
      if ! h5diff -r "$tmp/$mech-1.h5" "$out" "$group" "$group" > "$tmp/diff" 2>&1; then
        echo "FAIL $mech: $group differs between 1 and $p ranks"; head -20 "$tmp/diff"; ok=0
      fi
    done
    if [ $ok = 1 ]; then echo "PASS $mech: 1 and $p ranks identical"; passed=$((passed + 1));
    else failed=$((failed + 1)); fi
  done
done
# The check must be able to fail: a different seed must change the datasets.
"$agora" run "$scenario" --seed 100 --out "$tmp/other.h5" --quiet
if h5diff -q "$tmp/gsp-1.h5" "$tmp/other.h5" /metrics /metrics > /dev/null 2>&1; then
  echo "FAIL a different seed gave identical metrics"; failed=$((failed + 1))
else
  echo "PASS a different seed changes the metrics"; passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
