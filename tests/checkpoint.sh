#!/usr/bin/env bash
# Checkpoint and resume (DESIGN.md: "a resumed run equals an uninterrupted one"):
# runs stopped at a round, by a real signal through mpirun, or killed with -9
# after a checkpoint, then resumed on the same or another rank count, must give
# datasets h5diff-identical to an uninterrupted run. Bad checkpoints (another
# scenario, truncated, missing, altered) and partial outputs that are not the
# checkpoint's are refused with one line and exit 2.
# usage: checkpoint.sh AGORA SCENARIO MPIEXEC PYTHON
set -u
agora=$1 scenario=$2 mpiexec=$3 python=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
mpi() { local n=$1; shift; "$mpiexec" --allow-run-as-root --oversubscribe -n "$n" "$@"; }

same_as() { # same_as REF OUT: every dataset group identical
  local g
  for g in /metrics /agents /population; do
    h5diff -q "$1" "$2" "$g" "$g" > /dev/null 2>&1 || return 1
  done
}

"$agora" run "$scenario" --out "$tmp/ref.h5" --quiet || { fail "reference run"; exit 1; }

# stop_and_resume NAME STOP_RANKS STOP_AFTER RESUME_RANKS
stop_and_resume() {
  local name=$1 p1=$2 at=$3 p2=$4 out="$tmp/$1.h5"
  mpi "$p1" "$agora" run "$scenario" --out "$out" --quiet --stop-after "$at" 2> "$tmp/err"
  local rc=$?
  if [ $rc = 0 ] || [ ! -f "${out%.h5}.ckpt.h5" ] || [ ! -f "$out.partial" ] || [ -e "$out" ]; then
    fail "$name: stopping after round $at at $p1 ranks (exit $rc)"; return
  fi
  grep -q "stopped after round $at" "$tmp/err" || { fail "$name: no stop message"; return; }
  if ! mpi "$p2" "$agora" run "$scenario" --out "$out" --quiet --resume "${out%.h5}.ckpt.h5"; then
    fail "$name: resuming at $p2 ranks"; return
  fi
  if same_as "$tmp/ref.h5" "$out" && [ ! -e "${out%.h5}.ckpt.h5" ] && [ ! -e "$out.partial" ]; then
    pass "$name: stopped after $at at $p1 ranks, resumed at $p2: identical"
  else
    fail "$name: stopped after $at at $p1 ranks, resumed at $p2: differs or leftovers"
  fi
}
stop_and_resume same-count 2 23 2
stop_and_resume three-to-two 3 23 2
stop_and_resume one-to-four 1 37 4
stop_and_resume at-a-snapshot 4 30 1

# Two stops in one run, on three rank counts.
out="$tmp/twice.h5" ck="$tmp/twice.ckpt.h5"
mpi 1 "$agora" run "$scenario" --out "$out" --quiet --stop-after 9 2> /dev/null
mpi 4 "$agora" run "$scenario" --out "$out" --quiet --resume "$ck" --stop-after 41 2> /dev/null
mpi 3 "$agora" run "$scenario" --out "$out" --quiet --resume "$ck"
if same_as "$tmp/ref.h5" "$out"; then pass "two stops (1, 4, 3 ranks): identical"
else fail "two stops (1, 4, 3 ranks)"; fi

# A real SIGUSR1 through mpirun, landing whenever it lands: the result must
# still equal the uninterrupted run. Budgets large enough not to end the market.
long=(--set rounds=20000 --set output.snapshot_every=2000 --set "population.budget={dist: uniform, low: 5000, high: 9000}")
"$agora" run "$scenario" "${long[@]}" --out "$tmp/long-ref.h5" --quiet
# mpirun itself, not a shell function around it: the signal must reach mpirun,
# which forwards it to the ranks.
"$mpiexec" --allow-run-as-root --oversubscribe -n 2 "$agora" run "$scenario" "${long[@]}" \
  --out "$tmp/long.h5" --quiet 2> /dev/null &
pid=$!
for _ in $(seq 100); do [ -e "$tmp/long.h5.partial" ] && break; sleep 0.05; done
sleep 0.1
kill -USR1 "$pid"
wait "$pid"
rc=$?
if [ $rc = 0 ]; then
  fail "signal: the run finished before SIGUSR1 arrived (make it longer)"
elif ! mpi 3 "$agora" run "$scenario" "${long[@]}" --out "$tmp/long.h5" --quiet \
       --resume "$tmp/long.ckpt.h5"; then
  fail "signal: resume failed"
elif same_as "$tmp/long-ref.h5" "$tmp/long.h5"; then
  pass "SIGUSR1 through mpirun at 2 ranks, resumed at 3: identical"
else
  fail "SIGUSR1 through mpirun at 2 ranks, resumed at 3: differs"
fi

# kill -9 once a periodic checkpoint exists: the checkpoint and the partial output
# must still be usable.
every=(--set output.checkpoint_every=600)
"$agora" run "$scenario" "${long[@]}" "${every[@]}" --out "$tmp/k.h5" --quiet &
pid=$!
for _ in $(seq 200); do [ -e "$tmp/k.ckpt.h5" ] && break; sleep 0.02; done
kill -9 "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
if [ ! -e "$tmp/k.ckpt.h5" ]; then
  fail "kill -9: no checkpoint appeared before the run ended"
elif mpi 2 "$agora" run "$scenario" "${long[@]}" "${every[@]}" --out "$tmp/k.h5" --quiet \
       --resume "$tmp/k.ckpt.h5" && same_as "$tmp/long-ref.h5" "$tmp/k.h5"; then
  pass "kill -9 after a checkpoint, resumed at 2 ranks: identical"
else
  fail "kill -9 after a checkpoint, resumed at 2 ranks"
fi

# refused CHECKPOINT EXPECT ARGS...: one line naming the problem, exit 2, no output.
refused() {
  local ck=$1 expect=$2; shift 2
  rm -f "$tmp/bad.h5"
  "$agora" run "$scenario" --out "$tmp/bad.h5" --quiet --resume "$ck" "$@" \
    > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  if [ $rc = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -qF -- "$expect" "$tmp/err" &&
     [ ! -e "$tmp/bad.h5" ]; then
    pass "refused: $expect"
  else
    fail "refused ($expect): exit $rc: $(cat "$tmp/err")"
  fi
}
"$agora" run "$scenario" --out "$tmp/bad.h5" --quiet --stop-after 20 2> /dev/null
cp "$tmp/bad.ckpt.h5" "$tmp/good.ckpt.h5"
refused "$tmp/good.ckpt.h5" "checkpoint of a different scenario: it has 'rounds: 60' where this run has 'rounds: 61'" --set rounds=61
refused "$tmp/good.ckpt.h5" "checkpoint of a different scenario: it has 'seed: 314'" --seed 5
head -c 3000 "$tmp/good.ckpt.h5" > "$tmp/truncated.ckpt.h5"
refused "$tmp/truncated.ckpt.h5" "not an HDF5 file, or truncated"
refused "$tmp/none.ckpt.h5" "cannot read: No such file or directory"
refused "$tmp/ref.h5" "not an agora checkpoint"
# Altered after it was written: one agent's spend (the digest over the state
# catches it), and the header's count of agents, round to play next and
# scenario text (the header's own digest catches those).
alter() { # alter SRC DST PYTHON-STATEMENT (f is the open file)
  cp "$1" "$2"
  "$python" -c "import sys, h5py, numpy as np; f = h5py.File(sys.argv[1], 'r+'); $3" "$2"
}
alter "$tmp/good.ckpt.h5" "$tmp/spend.ckpt.h5" "f['spend_clicks'][7, 0] += 0.5"
refused "$tmp/spend.ckpt.h5" "the state does not match the checkpoint's digest: damaged checkpoint"
alter "$tmp/good.ckpt.h5" "$tmp/count.ckpt.h5" \
  "f.attrs.modify('agents', np.uint64(f.attrs['agents'] + 1))"
refused "$tmp/count.ckpt.h5" "the header (scenario, round_next, agents) does not match the checkpoint's digest: damaged checkpoint"
alter "$tmp/good.ckpt.h5" "$tmp/round.ckpt.h5" \
  "f.attrs.modify('round_next', np.uint64(f.attrs['round_next'] - 1))"
refused "$tmp/round.ckpt.h5" "the header (scenario, round_next, agents) does not match"
alter "$tmp/good.ckpt.h5" "$tmp/text.ckpt.h5" \
  "t = f.attrs['scenario']; t = t.decode() if isinstance(t, bytes) else t; f.attrs['scenario'] = t.replace('seed: 314', 'seed: 315')"
refused "$tmp/text.ckpt.h5" "the header (scenario, round_next, agents) does not match"
# A checkpoint whose partial output has gone cannot be resumed.
rm -f "$tmp/bad.h5.partial"
refused "$tmp/good.ckpt.h5" "cannot resume: the partial output is missing or damaged"
# A partial output that is not the checkpoint's must be refused, not mixed in:
# another run's under the same name (here another seed, its checkpoint kept
# elsewhere), and an older copy that stops before the checkpoint's round.
# Each refusal leaves the partial as it was.
"$agora" run "$scenario" --out "$tmp/mix.h5" --quiet --stop-after 20 2> /dev/null
"$agora" run "$scenario" --out "$tmp/mix.h5" --quiet --seed 8 \
  --set "output.checkpoint=$tmp/other.ckpt.h5" --stop-after 30 2> /dev/null
partial_refused() { # partial_refused NAME CHECKPOINT EXPECT
  local before rc
  before=$(md5sum < "$tmp/$1.h5.partial")
  "$agora" run "$scenario" --out "$tmp/$1.h5" --quiet --resume "$2" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  if [ $rc = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -qF -- "$3" "$tmp/err" &&
     [ ! -e "$tmp/$1.h5" ] && [ "$(md5sum < "$tmp/$1.h5.partial")" = "$before" ]; then
    pass "refused, partial kept: $3"
  else
    fail "partial ($3): exit $rc: $(cat "$tmp/err")"
  fi
}
partial_refused mix "$tmp/mix.ckpt.h5" \
  "cannot resume: the partial output is of a different scenario: it has 'seed: 8'"
"$agora" run "$scenario" --out "$tmp/old.h5" --quiet --stop-after 10 2> /dev/null
cp "$tmp/old.h5.partial" "$tmp/old-copy.partial"
"$agora" run "$scenario" --out "$tmp/old.h5" --quiet --resume "$tmp/old.ckpt.h5" \
  --stop-after 30 2> /dev/null
cp "$tmp/old-copy.partial" "$tmp/old.h5.partial"
partial_refused old "$tmp/old.ckpt.h5" \
  "cannot resume: the partial output holds the first 10 rounds, the checkpoint continues at round 30"
# A checkpoint is usable after its interval changes: the one key allowed to differ.
"$agora" run "$scenario" --out "$tmp/iv.h5" --quiet --stop-after 20 2> /dev/null
if "$agora" run "$scenario" --out "$tmp/iv.h5" --quiet --resume "$tmp/iv.ckpt.h5" \
     --set output.checkpoint_every=5 && same_as "$tmp/ref.h5" "$tmp/iv.h5"; then
  pass "resume with another checkpoint_every"
else
  fail "resume with another checkpoint_every"
fi

# agora diff names the first divergent round, and says when runs agree.
"$agora" run "$scenario" --out "$tmp/other.h5" --quiet --set rounds=60 --seed 315
"$agora" diff "$tmp/ref.h5" "$tmp/other.h5" > "$tmp/diff"
rc=$?
if [ $rc = 1 ] && grep -q "state_digest *first differs at round 0" "$tmp/diff"; then
  pass "diff: another seed differs from round 0"
else
  fail "diff: another seed (exit $rc): $(cat "$tmp/diff")"
fi
"$agora" diff "$tmp/ref.h5" "$tmp/twice.h5" > "$tmp/diff"
if [ $? = 0 ] && grep -q identical "$tmp/diff"; then pass "diff: identical runs"
else fail "diff: identical runs: $(cat "$tmp/diff")"; fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
