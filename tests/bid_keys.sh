#!/usr/bin/env bash
# Runs ranked by bid keys (sim/bid_keys.h) against the same runs
# ranking every bid (AGORA_BID_KEYS=off) and against the AVX2 and portable
# paths (AGORA_SIMD=avx2, =scalar): /metrics and /agents must be h5diff-identical, under
# gsp, vcg and gfp, with and without a reserve, with a values list that has
# exact duplicates (ties to the lower id), and with fewer bidders than places.
# --profile must say keys were used, and not when they are off or when the
# values crowd into one (a constant value: every bid would be a candidate).
# Several ranks on one node share keys and values (sim/node_keys.h): at 2 and 3
# ranks the same comparisons hold against one rank ranking every bid, and a
# run whose MPI cannot share memory (--mca osc ^sm) routes its requests, with
# the same outputs.
# usage: bid_keys.sh AGORA MPIEXEC
set -u
agora=$1 mpiexec=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

cat > "$tmp/keys.yaml" <<'EOF'
seed: 5
rounds: 4
population:
  agents: 3001
  value: {dist: lognormal, mu: 0.0, sigma: 0.5}
market:
  auctions: 257
  bidders: 50
mechanism:
  name: gsp
  slots: 10
  ctr: {first: 0.3, decay: 0.7}
output:
  snapshot_every: 2
EOF
# 600 agents whose values repeat: each of 1.0, 1.5, ... 150.5 three times over.
/usr/bin/python3 - "$tmp/ties.yaml" <<'EOF'
import sys
values = [1.0 + 0.5 * (i % 300) for i in range(900)]
with open(sys.argv[1], "w") as f:
    f.write("seed: 8\nrounds: 3\npopulation:\n  values: [%s]\n" % ", ".join(map(str, values)))
    f.write("market: {auctions: 200, bidders: 40}\n")
    f.write("mechanism: {name: gsp, slots: 6, ctr: {first: 0.5, decay: 0.8}}\n")
EOF

run() { # run NAME ENV... -- ARGS: runs agora with --profile, output $tmp/NAME.h5
  local name=$1; shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" "$agora" run "$@" --out "$tmp/$name.h5" --quiet --profile > "$tmp/$name.txt" 2>&1
}

same() { # same A B: the datasets of runs A and B are identical
  h5diff -r "$tmp/$1.h5" "$tmp/$2.h5" /metrics /metrics > "$tmp/diff" 2>&1 &&
    h5diff -r "$tmp/$1.h5" "$tmp/$2.h5" /agents /agents >> "$tmp/diff" 2>&1
}

check() { # check LABEL SCENARIO EXPECT_KEYS SETTINGS...
  local label=$1 scenario=$2 keyed=$3; shift 3
  local sets=()
  for s in "$@"; do sets+=(--set "$s"); done
  if ! run keys AGORA_BID_KEYS=on -- "$scenario" "${sets[@]}" ||
     ! run off AGORA_BID_KEYS=off -- "$scenario" "${sets[@]}" ||
     ! run avx2 AGORA_SIMD=avx2 -- "$scenario" "${sets[@]}" ||
     ! run scalar AGORA_SIMD=scalar -- "$scenario" "${sets[@]}"; then
    echo "FAIL $label: a run failed"; cat "$tmp"/*.txt | head -5; failed=$((failed + 1)); return
  fi
  local used=0
  grep -q 'by bid keys' "$tmp/keys.txt" && grep -q 'by bid keys' "$tmp/avx2.txt" &&
    grep -q 'by bid keys' "$tmp/scalar.txt" && used=1
  if [ "$used" != "$keyed" ] || grep -q 'by bid keys' "$tmp/off.txt"; then
    echo "FAIL $label: keys used: $used, expected $keyed (or used when off)"
    failed=$((failed + 1)); return
  fi
  if same keys off && same keys avx2 && same keys scalar; then
    echo "PASS $label"; passed=$((passed + 1))
  else
    echo "FAIL $label: outputs differ"; head -20 "$tmp/diff"; failed=$((failed + 1))
  fi
}

for mech in gsp vcg gfp; do
  check "$mech" "$tmp/keys.yaml" 1 mechanism.name=$mech
  check "$mech, reserve 1.2" "$tmp/keys.yaml" 1 mechanism.name=$mech mechanism.reserve=1.2
done
check "more places than bidders" "$tmp/keys.yaml" 1 market.bidders=6 mechanism.slots=8
check "sampled clicks" "$tmp/keys.yaml" 1 mechanism.clicks=sampled
check "equal values, ties to the lower id" "$tmp/ties.yaml" 1
check "a constant value: keys not used" "$tmp/keys.yaml" 0 \
  'population.value={dist: constant, value: 1.5}'

ranks() { # ranks LABEL SCENARIO SETTINGS...: 2 and 3 ranks against 1 rank, keys off
  local label=$1 scenario=$2; shift 2
  local sets=()
  for s in "$@"; do sets+=(--set "$s"); done
  run off AGORA_BID_KEYS=off -- "$scenario" "${sets[@]}" || { echo "FAIL $label: 1 rank failed"; failed=$((failed + 1)); return; }
  for p in 2 3; do
    if ! "$mpiexec" --allow-run-as-root --oversubscribe -n $p "$agora" run "$scenario" \
         "${sets[@]}" --out "$tmp/r$p.h5" --quiet --profile > "$tmp/r$p.txt" 2>&1; then
      echo "FAIL $label at $p ranks: the run failed"; head -5 "$tmp/r$p.txt"; failed=$((failed + 1)); continue
    fi
    if ! grep -q 'by bid keys' "$tmp/r$p.txt"; then
      echo "FAIL $label at $p ranks: keys not used"; failed=$((failed + 1))
    elif same off r$p; then
      echo "PASS $label at $p ranks"; passed=$((passed + 1))
    else
      echo "FAIL $label at $p ranks: outputs differ"; head -20 "$tmp/diff"; failed=$((failed + 1))
    fi
  done
}
ranks "gsp" "$tmp/keys.yaml"
ranks "vcg, reserve 1.2" "$tmp/keys.yaml" mechanism.name=vcg mechanism.reserve=1.2
ranks "gfp, sampled clicks" "$tmp/keys.yaml" mechanism.name=gfp mechanism.clicks=sampled
ranks "equal values, ties to the lower id" "$tmp/ties.yaml"

# Without shared-memory windows several ranks route their requests.
run off AGORA_BID_KEYS=off -- "$tmp/keys.yaml"
if "$mpiexec" --allow-run-as-root --oversubscribe --mca osc ^sm -n 2 "$agora" run "$tmp/keys.yaml" \
     --out "$tmp/routed.h5" --quiet --profile > "$tmp/routed.txt" 2>&1 &&
   ! grep -q 'by bid keys' "$tmp/routed.txt" && same off routed; then
  echo "PASS 2 ranks without shared memory route, with the same outputs"; passed=$((passed + 1))
else
  echo "FAIL 2 ranks without shared memory"; head -5 "$tmp/routed.txt"; failed=$((failed + 1))
fi

# The comparison must be able to fail: another seed changes the metrics.
run base AGORA_BID_KEYS=on -- "$tmp/keys.yaml"
run other AGORA_BID_KEYS=on -- "$tmp/keys.yaml" --seed 6
if same base other; then
  echo "FAIL another seed gave identical outputs"; failed=$((failed + 1))
else
  echo "PASS another seed changes the outputs"; passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
