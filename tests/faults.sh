#!/usr/bin/env bash
# Injected faults (issue 12): processes killed with SIGKILL at the worst moments.
#   1. one rank of a 3-rank mpirun, mid-run, after a periodic checkpoint: the job
#      must end within seconds with no rank left behind (Open MPI's default
#      aborts the job when a process dies), and resuming from the last
#      checkpoint must give the uninterrupted run's datasets;
#   2. one rank killed before the first checkpoint: the job ends, nothing is left
#      under the output name, and a plain rerun over its leftovers (.partial)
#      gives the reference;
#   3. mpirun itself killed: its ranks must not outlive it;
#   4. the process killed while it writes a large checkpoint (2e6 agents, a
#      checkpoint every round): the previous checkpoint, written as CKPT.tmp and
#      renamed, must still resume to the uninterrupted result;
#   5. one rank of a family run (commons villages) killed after a periodic
#      checkpoint: resuming at another rank count gives the uninterrupted run.
# Every time measured is printed. RELIABILITY.md records the figures.
#
# usage: faults.sh AGORA MPIEXEC
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 AGORA MPIEXEC" >&2
    exit 2
fi
AGORA=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
MPIEXEC=$2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
WORK=$(mktemp -d)
# Open MPI cleans its session directory and shared-memory segments at a normal
# exit only: a job killed with -9 leaves ~8 MB in the first and 4 MB a rank in
# the second, which pile up in RAM over repeated runs. Both go under folders of
# this script's own, removed at exit.
SHM=$(mktemp -d -p /dev/shm 2> /dev/null || mktemp -d -p "$WORK")
mkdir "$WORK/tmp"
export TMPDIR=$WORK/tmp OMPI_MCA_btl_vader_backing_directory=$SHM
STARTED=() # pids this script started, killed at exit if still alive
cleanup() {
    local p
    for p in "${STARTED[@]}"; do kill -KILL "$p" 2> /dev/null; done
    rm -rf "$WORK" "$SHM"
}
trap cleanup EXIT
cd "$WORK" || exit 2

passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
now() { date +%s.%N; }
since() { printf '%.2f' "$(echo "$(now) - $1" | bc)"; }
# An array, not a function: `mpi ... &` would make $! a subshell, not mpirun.
MPI=("$MPIEXEC" --allow-run-as-root --oversubscribe)

same_as() { # same_as REF OUT: every dataset group identical
    local g
    for g in /metrics /agents /population; do
        h5diff -q "$1" "$2" "$g" "$g" > /dev/null 2>&1 || return 1
    done
}

# wait_for FILE SECONDS: polls every 20 ms; 0 once FILE exists.
wait_for() {
    local i
    for i in $(seq $(($2 * 50))); do
        [ -e "$1" ] && return 0
        sleep 0.02
    done
    return 1
}

# rank_pids MPIRUN_PID: the pids of the agora processes mpirun started, as
# "rank:pid" words (their environment names their rank).
rank_pids() {
    local p r
    for p in $(ps -o pid= --ppid "$1"); do
        r=$(tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
        [ -n "$r" ] && echo "$r:$p"
    done
}

# gone PIDS... : waits up to 30 s until none of them runs; 0 when all are gone.
gone() {
    local i p alive
    for i in $(seq 300); do
        alive=0
        for p in "$@"; do kill -0 "$p" 2> /dev/null && alive=1; done
        [ $alive = 0 ] && return 0
        sleep 0.1
    done
    return 1
}

# A market long enough to be killed in the middle: budgets, shading, sampled
# clicks, snapshots, uneven blocks over 3 ranks.
cat > market.yaml << 'EOF'
seed: 2026
rounds: 3000
population:
  agents: 3001
  value: {dist: lognormal, mu: 0, sigma: 0.5}
  budget: {dist: uniform, low: 200, high: 400}
market: {auctions: 301, bidders: 6}
mechanism: {name: gsp, ctr: [0.3, 0.2, 0.1], clicks: sampled, reserve: 0.05}
agents:
  - {behaviour: truthful, share: 0.5}
  - {behaviour: shade, share: 0.5, factor: 0.8}
output: {snapshot_every: 500}
EOF
"$AGORA" run market.yaml --out ref.h5 --quiet || { fail "reference run"; exit 1; }
# Jobs that are killed before they could finish: as long as they need to be, at
# no cost.
# Runs killed long before their end: 1e6 rounds (100 s at 1 rank). Their
# per-round metrics (~160 MB) must still fit on the disk, which a run checks
# before round 0.
endless=(--set rounds=1000000 --set output.snapshot_every=0)

# --- 1. a rank killed after a checkpoint --------------------------------------------------
every=(--set output.checkpoint_every=20)
"${MPI[@]}" -n 3 "$AGORA" run market.yaml "${every[@]}" --out k.h5 --quiet > /dev/null 2> k.err &
job=$!
STARTED+=("$job")
if ! wait_for k.ckpt.h5 120; then
    fail "rank killed: no checkpoint within 120 s"
else
    ranks=$(rank_pids "$job")
    victim=$(echo "$ranks" | tr ' ' '\n' | sed -n 's/^1://p')
    others=$(echo "$ranks" | tr ' ' '\n' | sed 's/^.*://')
    t0=$(now)
    kill -KILL "$victim"
    wait "$job"
    rc=$?
    ended=$(since "$t0")
    if [ -z "$victim" ] || [ "$(echo "$ranks" | wc -w)" -ne 3 ]; then
        fail "rank killed: could not find the 3 ranks of mpirun $job (found: $ranks)"
    elif [ "$rc" -eq 0 ]; then
        fail "rank killed: the job finished before the kill landed (make the market longer)"
    elif ! gone $others; then
        fail "rank killed: ranks still running 30 s after mpirun returned"
    elif [ -e k.h5 ]; then
        fail "rank killed: a file was left under the output name"
    else
        pass "rank 1 of 3 killed with -9: mpirun ended in $ended s (exit $rc), no rank left"
        t0=$(now)
        if "${MPI[@]}" -n 2 "$AGORA" run market.yaml "${every[@]}" --out k.h5 --quiet --resume k.ckpt.h5 &&
           same_as ref.h5 k.h5; then
            pass "rank killed: resumed at 2 ranks from the last checkpoint: identical ($(since "$t0") s)"
        else
            fail "rank killed: resuming from the last checkpoint"
        fi
    fi
fi

# --- 2. a rank killed before the first checkpoint ----------------------------------------
rm -f early.h5 early.h5.partial early.ckpt.h5
"${MPI[@]}" -n 3 "$AGORA" run market.yaml "${endless[@]}" --out early.h5 --quiet > /dev/null 2>&1 &
job=$!
STARTED+=("$job")
wait_for early.h5.partial 60
sleep 0.2
ranks=$(rank_pids "$job")
victim=$(echo "$ranks" | tr ' ' '\n' | sed -n 's/^2://p')
t0=$(now)
[ -n "$victim" ] && kill -KILL "$victim"
wait "$job"
rc=$?
ended=$(since "$t0")
if [ -z "$victim" ] || [ "$rc" -eq 0 ]; then
    fail "early kill: no rank to kill, or the job finished first (exit $rc)"
elif [ -e early.h5 ] || [ -e early.ckpt.h5 ]; then
    fail "early kill: output or checkpoint left under the final names"
elif "$AGORA" run market.yaml --out early.h5 --quiet && same_as ref.h5 early.h5 &&
     [ ! -e early.h5.partial ]; then
    pass "rank 2 of 3 killed before any checkpoint: ended in $ended s (exit $rc); a rerun over its leftovers gives the reference"
else
    fail "early kill: the rerun failed or differs"
fi

# --- 3. mpirun killed --------------------------------------------------------------------
"${MPI[@]}" -n 3 "$AGORA" run market.yaml "${endless[@]}" --out m.h5 --quiet > /dev/null 2>&1 &
job=$!
STARTED+=("$job")
wait_for m.h5.partial 60
sleep 0.2
ranks=$(rank_pids "$job")
pids=$(echo "$ranks" | tr ' ' '\n' | sed 's/^.*://')
STARTED+=($pids)
t0=$(now)
kill -KILL "$job"
wait "$job" 2> /dev/null
if [ "$(echo "$pids" | wc -w)" -ne 3 ]; then
    fail "mpirun killed: could not find its 3 ranks (found: $ranks)"
elif gone $pids; then
    pass "mpirun killed with -9: its 3 ranks were gone after $(since "$t0") s"
else
    fail "mpirun killed with -9: ranks $(echo $pids) still running after 30 s (now killed)"
fi

# --- 4. killed while writing a checkpoint ------------------------------------------------
# 2e6 agents: each checkpoint is about 64 MB (spend, clicks, budget left and
# last round's spend), long enough to be caught in the middle. It is written as big.ckpt.h5.tmp and
# renamed; a kill in between must leave the previous big.ckpt.h5 intact.
cat > big.yaml << 'EOF'
seed: 7
rounds: 14
population:
  agents: 2e6
  value: {dist: uniform, low: 0, high: 1}
  budget: {dist: uniform, low: 1, high: 2}
market: {auctions: 2000, bidders: 4}
mechanism: {name: gsp, ctr: [0.3, 0.2]}
output: {snapshot_every: 0}
EOF
"$AGORA" run big.yaml --out bigref.h5 --quiet || fail "2e6-agent reference run"
caught=0
for attempt in 1 2 3 4 5; do
    rm -f big.h5 big.h5.partial big.ckpt.h5 big.ckpt.h5.tmp
    "$AGORA" run big.yaml --out big.h5 --quiet --set output.checkpoint_every=1 > /dev/null 2>&1 &
    pid=$!
    STARTED+=("$pid")
    # The second checkpoint's .tmp while the first is complete: kill there.
    if wait_for big.ckpt.h5 120; then
        for i in $(seq 2000); do
            [ -e big.ckpt.h5.tmp ] && break
            kill -0 "$pid" 2> /dev/null || break
            sleep 0.005
        done
        kill -KILL "$pid" 2> /dev/null
    fi
    wait "$pid" 2> /dev/null
    if [ -e big.ckpt.h5.tmp ] && [ -e big.ckpt.h5 ]; then
        caught=$attempt
        break
    fi
done
if [ "$caught" = 0 ]; then
    fail "checkpoint write: no kill landed during a write in 5 attempts"
else
    tmp_size=$(stat -c %s big.ckpt.h5.tmp)
    done_at=$(h5dump -a /round_next big.ckpt.h5 2> /dev/null | sed -n 's/^ *(0): //p')
    t0=$(now)
    if "$AGORA" run big.yaml --out big.h5 --quiet --set output.checkpoint_every=1 \
           --resume big.ckpt.h5 && same_as bigref.h5 big.h5; then
        pass "killed while writing a checkpoint (attempt $caught; $tmp_size bytes of .tmp): previous checkpoint (round ${done_at:-?}) resumed to identical datasets ($(since "$t0") s)"
    else
        fail "killed while writing a checkpoint: the previous checkpoint did not resume to the reference"
    fi
    left=$(ls -A | grep '^big\.' | grep -vx -e big.yaml -e big.h5)
    [ -z "$left" ] && pass "after the resumed run: no checkpoint or .tmp left" ||
        fail "after the resumed run, left behind: $(echo $left)"
fi

# --- 5. a rank of a family run killed after a checkpoint ---------------------------------
cat > villages.yaml << 'EOF'
seed: 5
rounds: 12000
family: commons
commons:
  mode: villages
  pools: 2001
  harvesters_per_pool: 6
  regrowth: logistic
  growth: 0.6
  capacity: 80
  initial_stock: 40
  collapse_below: 1
  order: proportional
  effort: {cooperator: 0.02, defector: 0.07}
  evolution: {rule: fermi, kappa: 0.5, mutation: 0.02}
  behaviours:
    - {behaviour: cooperator, share: 0.6}
    - {behaviour: defector, share: 0.2}
    - {behaviour: imitate_best, share: 0.2}
EOF
"$AGORA" run villages.yaml --out vref.h5 --quiet || fail "villages reference run"
villages_every=(--set output.checkpoint_every=50)
"${MPI[@]}" -n 3 "$AGORA" run villages.yaml "${villages_every[@]}" --out v.h5 --quiet > /dev/null 2>&1 &
job=$!
STARTED+=("$job")
if ! wait_for v.ckpt.h5 120; then
    fail "family rank killed: no checkpoint within 120 s"
else
    victim=$(rank_pids "$job" | tr ' ' '\n' | sed -n 's/^2://p')
    [ -n "$victim" ] && kill -KILL "$victim"
    wait "$job"
    rc=$?
    same=1
    if [ -z "$victim" ] || [ "$rc" -eq 0 ] || [ -e v.h5 ]; then
        fail "family rank killed: no rank to kill, the job finished first, or a file under the output name (exit $rc)"
    elif "${MPI[@]}" -n 2 "$AGORA" run villages.yaml "${villages_every[@]}" --out v.h5 --quiet \
             --resume v.ckpt.h5; then
        for g in /metrics /pools /harvesters; do
            h5diff -q vref.h5 v.h5 "$g" "$g" > /dev/null 2>&1 || same=0
        done
        if [ $same = 1 ] && [ ! -e v.ckpt.h5 ]; then
            pass "family run (commons villages): rank 2 of 3 killed with -9 after a checkpoint; resumed at 2 ranks: identical"
        else
            fail "family rank killed: the resumed run differs, or left its checkpoint"
        fi
    else
        fail "family rank killed: resuming from the last checkpoint"
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
