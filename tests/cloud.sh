#!/usr/bin/env bash
# The cloud family end to end (tests/cloud.cmake):
#  1. every mechanism runs tests/scenarios/cloud_small.yaml at 1, 2, 3 and 4
#     ranks and h5diff finds /metrics and /cloud identical to the 1-rank run;
#     the multi-rank runs use chunks of 3 pairs (AGORA_CLOUD_CHUNK), so the
#     distributed scan crosses many chunk boundaries;
#  2. a different seed changes the metrics (the check can fail);
#  3. a trace round trip: scripts/cloud_trace.py writes a task_events CSV, the
#     loader reads it at 1 and 3 ranks (identical outputs), and requests are
#     served;
#  4. bad input: a malformed trace line and an oversized `optimal` instance
#     each stop with one line.
# usage: cloud.sh AGORA MPIEXEC SCENARIO PYTHON GENERATOR
set -u
agora=$1 mpiexec=$2 scenario=$3 python=$4 generator=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
run() { # ranks out [args...]
  local p=$1 out=$2; shift 2
  "$mpiexec" --allow-run-as-root --oversubscribe -n "$p" "$agora" run "$scenario" "$@" \
    --out "$out" --quiet
}
same() { # a b: /metrics and /cloud identical
  h5diff -r "$1" "$2" /metrics /metrics > "$tmp/diff" 2>&1 &&
    h5diff -r "$1" "$2" /cloud /cloud >> "$tmp/diff" 2>&1
}

for mech in mohaf greedy first_price random optimal; do
  if ! run 1 "$tmp/$mech-1.h5" --set mechanism.name=$mech; then
    fail "$mech at 1 rank: the run failed"; continue
  fi
  for p in 2 3 4; do
    if ! AGORA_CLOUD_CHUNK=3 run $p "$tmp/$mech-$p.h5" --set mechanism.name=$mech; then
      fail "$mech at $p ranks: the run failed"; continue
    fi
    if same "$tmp/$mech-1.h5" "$tmp/$mech-$p.h5"; then pass "$mech: 1 and $p ranks identical"
    else fail "$mech: 1 and $p ranks differ"; head -20 "$tmp/diff"; fi
  done
done

# every mechanism serves someone and the metrics lie in range
if "$python" - "$tmp" <<'PY'
import sys, h5py, numpy as np
bad = 0
for m in ["mohaf", "greedy", "first_price", "random", "optimal"]:
    g = h5py.File(f"{sys.argv[1]}/{m}-1.h5", "r")["metrics"]
    for k in ["jain_index", "utilisation", "served_fraction"]:
        v = g[k][:]
        if not ((v >= 0) & (v <= 1)).all():
            print(m, k, "outside [0, 1]", v); bad += 1
    if not (g["served"][:] > 0).all():
        print(m, "serves nobody in some round"); bad += 1
sys.exit(bad)
PY
then pass "metrics in range, every mechanism serves requests"
else fail "metrics out of range"; fi

run 1 "$tmp/other.h5" --set mechanism.name=mohaf --seed 100
if h5diff -q "$tmp/mohaf-1.h5" "$tmp/other.h5" /metrics /metrics > /dev/null 2>&1; then
  fail "a different seed gave identical metrics"
else pass "a different seed changes the metrics"; fi

# trace round trip: generator -> loader -> run
"$python" "$generator" "$tmp/trace.csv" --tasks 150 --seed 3
trace=(--set "requests.trace=$tmp/trace.csv" --set resources.cpu=0.5 --set resources.mem=0.5)
if run 1 "$tmp/trace-1.h5" "${trace[@]}" && AGORA_CLOUD_CHUNK=2 run 3 "$tmp/trace-3.h5" "${trace[@]}"; then
  if same "$tmp/trace-1.h5" "$tmp/trace-3.h5"; then pass "trace: 1 and 3 ranks identical"
  else fail "trace: 1 and 3 ranks differ"; head -20 "$tmp/diff"; fi
  if "$python" - "$tmp/trace-1.h5" <<'PY'
import sys, h5py
g = h5py.File(sys.argv[1], "r")["metrics"]
sys.exit(0 if (g["served"][:] > 0).all() and (g["feasible"][:] > 0).all() else 1)
PY
  then pass "trace: requests from the CSV are served"; else fail "trace: nothing served"; fi
  if h5diff -q "$tmp/trace-1.h5" "$tmp/mohaf-1.h5" /metrics /metrics > /dev/null 2>&1; then
    fail "trace: the trace did not change the requests"
  else pass "trace: the requests come from the trace"; fi
else
  fail "trace: the run failed"
fi

# bad input: one line each, exit 2
echo "600,,1,0,,0,u,0,2,0.1,zero,0,0" > "$tmp/bad.csv"
msg=$("$agora" run "$scenario" --set "requests.trace=$tmp/bad.csv" --out "$tmp/bad.h5" --quiet 2>&1)
rc=$?
if [ $rc = 2 ] && [ "$(printf '%s\n' "$msg" | wc -l)" = 1 ] && [[ $msg == *"bad.csv:1:"* ]]; then
  pass "malformed trace line: $msg"
else fail "malformed trace line: rc $rc: $msg"; fi
for cmd in check run; do
  rm -f "$tmp/missing.h5"
  msg=$("$agora" $cmd "$scenario" --set "requests.trace=$tmp/missing.csv" --out "$tmp/missing.h5" \
    --quiet 2>&1 > /dev/null)
  rc=$?
  if [ $rc = 2 ] && [ "$(printf '%s\n' "$msg" | wc -l)" = 1 ] && [ ! -e "$tmp/missing.h5" ] &&
     [[ $msg == *": requests.trace: cannot read $tmp/missing.csv: No such file"* ]]; then
    pass "missing trace refused by $cmd: $msg"
  else fail "missing trace, $cmd: rc $rc: $msg"; fi
done
msg=$("$agora" check "$scenario" --set mechanism.name=optimal --set requests.per_round=100000 2>&1)
rc=$?
if [ $rc = 2 ] && [[ $msg == *"optimal is exact only on small instances"* ]]; then
  pass "oversized optimal refused: $msg"
else fail "oversized optimal: rc $rc: $msg"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
