#!/usr/bin/env bash
# Runs one scenario at 1, 2, 3 and 4 ranks (and under each mechanism) and checks
# with h5diff that every dataset is identical to the 1-rank run (DESIGN.md,
# invariant 1), and the 1-rank run's metrics and agents to one on the scalar
# paths (AGORA_SIMD=scalar). Only the `ranks` and time attributes may differ.
# usage: rank_invariance.sh AGORA SCENARIO MPIEXEC [VARIANTS]
# VARIANTS: the settings to run under, separated by ';', each one or more
# key=value overrides separated by ','; default: the three position mechanisms.
set -u
agora=$1 scenario=$2 mpiexec=$3
variants=${4:-mechanism.name=gsp;mechanism.name=vcg;mechanism.name=gfp}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
first= first_sets=()
IFS=';' read -r -a settings <<< "$variants"
for setting in "${settings[@]}"; do
  IFS=',' read -r -a pairs <<< "$setting"
  sets=()
  for pair in "${pairs[@]}"; do sets+=(--set "$pair"); done
  mech=${pairs[0]##*=}
  for p in 1 2 3 4; do
    out="$tmp/$mech-$p.h5"
    [ -z "$first" ] && first=$out && first_sets=("${sets[@]}")
    if ! "$mpiexec" --allow-run-as-root --oversubscribe -n "$p" "$agora" run "$scenario" \
         "${sets[@]}" --out "$out" --quiet; then
      echo "FAIL $mech at $p ranks: the run failed"; failed=$((failed + 1)); continue
    fi
    if [ "$p" = 1 ]; then
      # The scalar paths (AGORA_SIMD=scalar: ranking, settlement, bid checks,
      # Hedge's update) must give the run-time choice's bits too.
      if ! AGORA_SIMD=scalar "$agora" run "$scenario" "${sets[@]}" --out "$tmp/$mech-scalar.h5" \
           --quiet; then
        echo "FAIL $mech scalar: the run failed"; failed=$((failed + 1)); continue
      fi
      if h5diff -r "$out" "$tmp/$mech-scalar.h5" /metrics /metrics > "$tmp/diff" 2>&1 &&
         h5diff -r "$out" "$tmp/$mech-scalar.h5" /agents /agents > "$tmp/diff" 2>&1; then
        echo "PASS $mech: scalar paths identical"; passed=$((passed + 1))
      else
        echo "FAIL $mech: the scalar paths differ"; head -20 "$tmp/diff"; failed=$((failed + 1))
      fi
      continue
    fi
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
"$agora" run "$scenario" "${first_sets[@]}" --seed 100 --out "$tmp/other.h5" --quiet
if h5diff -q "$first" "$tmp/other.h5" /metrics /metrics > /dev/null 2>&1; then
  echo "FAIL a different seed gave identical metrics"; failed=$((failed + 1))
else
  echo "PASS a different seed changes the metrics"; passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
