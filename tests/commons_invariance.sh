#!/usr/bin/env bash
# Rank-count invariance of the commons family (DESIGN.md, invariant 1): each
# scenario (villages; one global pool) at 1, 2, 3 and 4 ranks must give
# h5diff-identical /metrics, /pools and /harvesters. The check must be able to
# fail: a different seed must change the datasets.
# usage: commons_invariance.sh AGORA MPIEXEC SCENARIO...
set -u
agora=$1 mpiexec=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
for scenario in "$@"; do
  name=$(basename "$scenario" .yaml)
  for p in 1 2 3 4; do
    out="$tmp/$name-$p.h5"
    if ! "$mpiexec" --allow-run-as-root --oversubscribe -n "$p" "$agora" run "$scenario" \
         --out "$out" --quiet; then
      echo "FAIL $name at $p ranks: the run failed"; failed=$((failed + 1)); continue
    fi
    [ "$p" = 1 ] && continue
    ok=1
    for group in /metrics /pools /harvesters; do
      if ! h5diff -r "$tmp/$name-1.h5" "$out" "$group" "$group" > "$tmp/diff" 2>&1; then
        echo "FAIL $name: $group differs between 1 and $p ranks"; head -20 "$tmp/diff"; ok=0
      fi
    done
    if [ $ok = 1 ]; then echo "PASS $name: 1 and $p ranks identical"; passed=$((passed + 1));
    else failed=$((failed + 1)); fi
  done
  "$agora" run "$scenario" --seed 100 --out "$tmp/$name-other.h5" --quiet
  if h5diff -q "$tmp/$name-1.h5" "$tmp/$name-other.h5" /metrics /metrics > /dev/null 2>&1 ||
     h5diff -q "$tmp/$name-1.h5" "$tmp/$name-other.h5" /harvesters /harvesters > /dev/null 2>&1; then
    echo "FAIL $name: a different seed gave identical metrics or harvesters"
    failed=$((failed + 1))
  else
    echo "PASS $name: a different seed changes the metrics and the harvesters"
    passed=$((passed + 1))
  fi
done
# The Gini metric against a direct computation from the final gains (at 3 ranks,
# where the global pool's ring pass crosses ranks).
here=$(dirname "$0")
for scenario in "$@"; do
  name=$(basename "$scenario" .yaml)
  [ -e "$tmp/$name-3.h5" ] || continue
  per_pool=$(h5dump -a /scenario "$tmp/$name-3.h5" | grep -o 'harvesters_per_pool: [0-9]*' | head -1 |
             cut -d' ' -f2)
  if /usr/bin/python3 "$here/commons_gini_check.py" "$tmp/$name-3.h5" "$per_pool"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
# The global pool's distributed unit-by-unit serving (bisection over ranks) must
# hand out the same units as a village's local sort: the fishery (no evolution,
# rationed in month 6) as one village at 1 rank against the global pool at 4.
if [ -e "$tmp/fishery-4.h5" ]; then
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$agora" run \
    "$here/../scenarios/fishery.yaml" --set commons.mode=villages --out "$tmp/village.h5" --quiet
  ok=1
  for d in /harvesters/gain /pools/stock /metrics/total_harvest /metrics/stock; do
    h5diff "$tmp/village.h5" "$tmp/fishery-4.h5" "$d" "$d" > /dev/null 2>&1 || ok=0
  done
  if [ $ok = 1 ]; then echo "PASS fishery: one village at 1 rank serves as the global pool at 4";
    passed=$((passed + 1))
  else echo "FAIL fishery: the village and the global pool serve differently"; failed=$((failed + 1)); fi
fi
# The shipped commons scenarios load; the greedy fishery collapses in month 1
# (survival_rounds 0) and the plain one survives some months but not 12.
for f in villages commons_global fishery fishery_greedy; do
  if OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$agora" check \
       "$here/../scenarios/$f.yaml" > /dev/null; then
    echo "PASS scenarios/$f.yaml loads"; passed=$((passed + 1))
  else
    echo "FAIL scenarios/$f.yaml does not load"; failed=$((failed + 1))
  fi
done
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$agora" run \
  "$here/../scenarios/fishery_greedy.yaml" --out "$tmp/greedy.h5" --quiet
survival=$(/usr/bin/python3 -c 'import h5py, sys
print(int(h5py.File(sys.argv[1])["metrics/survival_rounds"][-1]))' "$tmp/greedy.h5")
if [ "$survival" = 0 ]; then echo "PASS fishery_greedy collapses in month 1"; passed=$((passed + 1))
else echo "FAIL fishery_greedy survived $survival months"; failed=$((failed + 1)); fi
# Bad runs: more ranks than the partitioned entities (the global pool splits its
# harvesters, so the message names harvesters_per_pool), and --resume from a
# checkpoint that is not there (stops and resumes: tests/checkpoint_family.sh).
fishery=$here/../scenarios/fishery.yaml
"$mpiexec" --allow-run-as-root --oversubscribe -n 6 "$agora" run "$fishery" --out "$tmp/x.h5" \
  --quiet > /dev/null 2> "$tmp/err"
if [ $? -ne 0 ] && grep -q "commons.harvesters_per_pool: 5 cannot be spread over 6 ranks" "$tmp/err" &&
   [ ! -e "$tmp/x.h5" ]; then
  echo "PASS more ranks than harvesters is refused"; passed=$((passed + 1))
else
  echo "FAIL more ranks than harvesters"; head -3 "$tmp/err"; failed=$((failed + 1))
fi
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$agora" run "$fishery" \
  --resume "$tmp/none.ckpt.h5" --out "$tmp/x.h5" --quiet > /dev/null 2> "$tmp/err"
if [ $? -eq 2 ] && grep -q "none.ckpt.h5: --resume: cannot read" "$tmp/err" && [ ! -e "$tmp/x.h5" ]; then
  echo "PASS --resume of a missing checkpoint is refused"; passed=$((passed + 1))
else
  echo "FAIL --resume"; head -3 "$tmp/err"; failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
