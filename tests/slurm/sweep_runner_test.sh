#!/usr/bin/env bash
# Tests scripts/sweep-run.sh without Slurm: a failed run is recorded and cleared
# when it later succeeds; finished runs are never rerun; a run signalled with
# SIGUSR1 stops at a checkpoint (exit 75, state partial) and the next attempt
# resumes it to an output identical to an uninterrupted run's; --status counts.
# usage: sweep_runner_test.sh AGORA SOURCE_DIR
set -u
agora=$(readlink -f "$1")
src=$(cd "$2" && pwd)
runner=$src/scripts/sweep-run.sh
[ -x "$agora" ] || { echo "FAIL no agora binary at $1"; echo "0 passed, 1 failed"; exit 1; }
inv=$src/tests/scenarios/invariance.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
count() { "$agora" sweep --status "$1" | awk -v s="$2" '$1 == s {print $2}'; }
same_output() {
  local group
  for group in /metrics /agents /population; do
    h5diff -q "$1" "$2" "$group" "$group" > /dev/null 2>&1 || return 1
  done
}
export AGORA=$agora

sweep=$tmp/sweep
"$agora" sweep "$inv" --vary mechanism.name=gsp,vcg,gfp --out "$sweep" > /dev/null ||
  { echo "FAIL agora sweep"; exit 1; }

# A failing agora: the exit code is recorded, the state is `failed`.
printf '#!/bin/sh\nexit 3\n' > "$tmp/broken"
chmod +x "$tmp/broken"
AGORA=$tmp/broken "$runner" "$sweep" 1 > "$tmp/log" 2>&1
rc=$?
if [ "$rc" = 3 ] && [ "$(cat "$sweep/runs/r0001.failed" 2> /dev/null)" = 3 ] &&
   [ "$(count "$sweep" failed)" = 1 ] && [ "$(count "$sweep" pending)" = 2 ]; then
  pass "a failed run is recorded with its exit code (state failed)"
else
  fail "failed run: exit $rc, .failed '$(cat "$sweep/runs/r0001.failed" 2> /dev/null)'"
  cat "$tmp/log"
fi

# Every run, in order; the failed one succeeds now and loses its .failed.
"$runner" "$sweep" > "$tmp/log" 2>&1
rc=$?
if [ "$rc" = 0 ] && [ "$(count "$sweep" done)" = 3 ] && [ ! -e "$sweep/runs/r0001.failed" ]; then
  pass "all runs done; the stale .failed is gone"
else
  fail "running all: exit $rc; $("$agora" sweep --status "$sweep" | tr '\n' ' ')"
  cat "$tmp/log"
fi

# Nothing finished is run again.
before=$(stat -c '%n %y' "$sweep"/runs/*.h5)
"$runner" "$sweep" > "$tmp/log" 2>&1
"$runner" "$sweep" 2 >> "$tmp/log" 2>&1
if [ "$before" = "$(stat -c '%n %y' "$sweep"/runs/*.h5)" ] && [ "$(grep -c 'done, skipped' "$tmp/log")" = 4 ]; then
  pass "finished runs are skipped, their outputs untouched"
else
  fail "finished runs were run again"
  cat "$tmp/log"
fi

# A run of the sweep is the run its scenario file describes.
"$agora" run "$sweep/runs/r0001.yaml" --out "$tmp/direct.h5" --quiet
if same_output "$tmp/direct.h5" "$sweep/runs/r0001.h5"; then
  pass "a sweep run equals agora run of its scenario file"
else
  fail "the sweep's r0001 differs from a direct run of runs/r0001.yaml"
fi

# Bad requests: exit 2, one line.
"$runner" "$sweep" 3 > "$tmp/log" 2>&1
rc=$?
if [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/log")" = 1 ]; then
  pass "an index past the manifest is refused (exit 2)"
else
  fail "index past the manifest: exit $rc"
  cat "$tmp/log"
fi

# Stop at a checkpoint on SIGUSR1 (2 ranks), resume on the next attempt.
long=$tmp/long.yaml
cat > "$long" << 'EOF'
seed: 11
rounds: 300
population: {agents: 5000, value: {dist: lognormal, mu: 0, sigma: 0.5}, budget: {dist: uniform, low: 20, high: 80}}
market: {auctions: 15000, bidders: 8}
mechanism: {name: gsp, slots: 3, ctr: {first: 0.3, decay: 0.7}, reserve: 0.1, clicks: sampled}
output: {checkpoint_every: 10, snapshot_every: 100}
EOF
if ! "$agora" check "$long" > /dev/null 2>&1; then
  echo "SKIP checkpoint: this agora has no checkpoints (output.checkpoint_every is refused)"
else
  csweep=$tmp/csweep
  "$agora" sweep "$long" --out "$csweep" > /dev/null
  "$runner" "$csweep" 0 --ranks 2 > "$tmp/clog" 2>&1 &
  pid=$!
  for _ in $(seq 300); do [ -e "$csweep/runs/r0000.ckpt.h5" ] && break; sleep 0.1; done
  kill -USR1 "$pid"
  wait "$pid"
  rc=$?
  state=$("$agora" sweep --status -v "$csweep" | head -1)
  if [ "$rc" = 75 ] && [ "$state" = "r0000 partial" ] && [ ! -e "$csweep/runs/r0000.failed" ]; then
    pass "SIGUSR1 to the runner: agora checkpoints, exit 75, state partial"
  else
    fail "signalled run: exit $rc, state '$state'"
    tail -5 "$tmp/clog"
  fi
  "$runner" "$csweep" > "$tmp/clog2" 2>&1
  rc=$?
  "$agora" run "$csweep/runs/r0000.yaml" --out "$tmp/long-ref.h5" --quiet
  if [ "$rc" = 0 ] && grep -q 'resuming from' "$tmp/clog2" &&
     [ "$(count "$csweep" done)" = 1 ] && same_output "$tmp/long-ref.h5" "$csweep/runs/r0000.h5"; then
    pass "the next attempt resumes; the output equals an uninterrupted run's"
  else
    fail "resuming: exit $rc"
    tail -5 "$tmp/clog2"
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
