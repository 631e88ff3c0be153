#!/usr/bin/env bash
# The Slurm integration test. Starts a real one-node cluster on loopback
# (cluster.sh), submits the slurm/ templates from the repository root as a user
# would, and checks what they produce:
#   (a) one 2-rank run, started by srun --mpi=pmix and by mpirun: the output is
#       h5diff-identical to a run made outside Slurm;
#   (b) a job array over an `agora sweep` manifest: `agora sweep --status` reports
#       3 done, and resubmitting the array reruns nothing (outputs untouched);
#   (c) a run signalled mid-way (as Slurm's --signal would before the time limit)
#       checkpoints, requeues itself, resumes and ends identical to an
#       uninterrupted run.
# Every daemon it starts is stopped on exit. Prints PASS/FAIL lines and a count.
# usage: slurm_test.sh AGORA SOURCE_DIR
# Exit: 0 all passed, 1 a check failed, 77 skipped (no root, munge user or Slurm).
set -u
here=$(cd "$(dirname "$0")" && pwd)
agora=$(readlink -f "$1")
src=$(cd "$2" && pwd)
. "$here/cluster.sh"

[ -x "$agora" ] || { echo "FAIL no agora binary at $1"; echo "0 passed, 1 failed"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "slurmd needs root"
id munge > /dev/null 2>&1 || skip "no munge user (apt-get install munge)"
for p in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo setpriv h5diff; do
  command -v "$p" > /dev/null || skip "$p not found (apt-get install slurm-wlm munge hdf5-tools)"
done

passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

tmp=$(mktemp -d /tmp/agora-slurm.XXXXXX)
chmod 755 "$tmp" # munged runs as user munge inside it
finish() {
  cluster_stop
  if [ "$failed" != 0 ] && [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap finish EXIT
trap 'exit 1' INT TERM

# ---- helpers -----------------------------------------------------------------------------

# Every record of a job (one per array task) in a terminal state?
job_finished() {
  local states
  states=$(scontrol show job -o "$1" 2>&1) || { grep -q "Invalid job id" <<< "$states"; return; }
  ! grep -o 'JobState=[A-Z_]*' <<< "$states" | grep -qvE \
    '=(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$'
}

# wait_jobs SECONDS JOBID...: polls scontrol (sacct needs accounting; sbatch --wait
# polls every 10 s) until every job has ended.
wait_jobs() {
  local limit=$1 job
  shift
  for job; do
    cluster_wait "$limit" job_finished "$job" || {
      echo "  job $job still not finished after ${limit}s:"
      scontrol show job -o "$job" | grep -o 'JobState=[A-Z_]* Reason=[^ ]*'
      return 1
    }
  done
}

# "STATE EXIT" of each record of a job, e.g. "COMPLETED 0:0".
job_result() {
  scontrol show job -o "$1" | sed -E 's/.*JobState=([A-Z_]+).* ExitCode=([0-9:]+).*/\1 \2/'
}

job_field() { scontrol show job -o "$1" | grep -o "$2=[^ ]*" | head -1 | cut -d= -f2; }

# same_output A B: the simulated data (not the run's metadata) is identical.
same_output() {
  local group
  for group in /metrics /agents /population; do
    h5diff -q "$1" "$2" "$group" "$group" > /dev/null 2>&1 || { echo "  $group differs"; return 1; }
  done
}

# show_log FILE: the tail of a job's log, after a failed check.
show_log() { echo "  --- $1"; tail -15 "$1" 2> /dev/null | sed 's/^/  /'; }

# ---- (a) one 2-rank run ----------------------------------------------------------------

# check_run NAME LAUNCHER JOB: finished well, ran as one 2-rank job, and matches.
check_run() {
  local name=$1 how=$2 job=$3 log=$tmp/$1.log out=$tmp/$1.h5
  if [ "$(job_result "$job")" != "COMPLETED 0:0" ]; then
    fail "(a) $how: job $job ended $(job_result "$job")"; show_log "$log"
  elif [ "$(grep -c ', 2 ranks$' "$log")" != 1 ]; then
    # Two 1-rank runs (MPI not wired up) would each print "1 rank".
    fail "(a) $how: the log does not show a single 2-rank run"; show_log "$log"
  elif [ ! -f "$out" ]; then
    fail "(a) $how: no output $out"
  elif ! same_output "$tmp/a-ref.h5" "$out"; then
    fail "(a) $how: output differs from the run outside Slurm"
  else
    pass "(a) $how: 2-rank run under Slurm identical to the run outside it"
  fi
}

test_one_run() {
  local inv=$src/tests/scenarios/invariance.yaml j1 j2
  "$agora" run "$inv" --out "$tmp/a-ref.h5" --quiet || { fail "(a) reference run failed"; return; }
  j1=$(sbatch --parsable --ntasks=2 --output="$tmp/a-srun.log" slurm/run.sbatch "$inv" "$tmp/a-srun.h5")
  j2=$(sbatch --parsable --ntasks=2 --output="$tmp/a-mpirun.log" slurm/run-mpirun.sbatch "$inv" "$tmp/a-mpirun.h5")
  if ! wait_jobs 60 "$j1" "$j2"; then fail "(a) jobs did not finish in time"; return; fi
  check_run a-srun "srun --mpi=pmix" "$j1"
  check_run a-mpirun "mpirun" "$j2"
}

# ---- (b) a job array over a sweep ------------------------------------------------------

outputs_mtime() { stat -c '%n %y' "$tmp"/sweep/runs/*.h5 2> /dev/null; }

test_sweep_array() {
  local inv=$src/tests/scenarios/invariance.yaml sweep=$tmp/sweep j before after done
  if ! "$agora" sweep "$inv" --vary mechanism.name=gsp,vcg,gfp --out "$sweep" > /dev/null; then
    fail "(b) agora sweep failed"; return
  fi
  j=$(sbatch --parsable --array=0-2%2 --output="$tmp/b-%A_%a.log" slurm/sweep-array.sbatch "$sweep")
  if ! wait_jobs 90 "$j"; then fail "(b) array job did not finish in time"; return; fi
  done=$("$agora" sweep --status "$sweep" | awk '$1 == "done" {print $2}')
  if [ "$done" = 3 ] && [ -z "$(job_result "$j" | grep -v '^COMPLETED 0:0$')" ]; then
    pass "(b) 3-task array over the sweep: agora sweep --status reports 3 done"
  else
    fail "(b) after the array: $done done; tasks: $(job_result "$j" | tr '\n' ' ')"
    "$agora" sweep --status -v "$sweep" | sed 's/^/  /'
    for log in "$tmp"/b-*.log; do show_log "$log"; done
    return
  fi
  before=$(outputs_mtime)
  j=$(sbatch --parsable --array=0-2 --output="$tmp/b2-%A_%a.log" slurm/sweep-array.sbatch "$sweep")
  if ! wait_jobs 90 "$j"; then fail "(b) resubmitted array did not finish in time"; return; fi
  after=$(outputs_mtime)
  if [ "$before" = "$after" ] && [ "$(cat "$tmp"/b2-*.log | grep -c 'done, skipped')" = 3 ]; then
    pass "(b) resubmitting the array reruns nothing (outputs untouched)"
  else
    fail "(b) resubmitting the array touched the outputs or did not skip them"
    for log in "$tmp"/b2-*.log; do show_log "$log"; done
  fi
}

# ---- (c) checkpoint, requeue, resume ---------------------------------------------------

# Long enough (about 2-5 s, more on a loaded machine) that the signal lands
# mid-run: it is sent as soon as the first checkpoint (every 10 rounds) shows the
# run under way, so the test does not depend on how fast the machine is.
write_long_scenario() {
  cat > "$1" << 'EOF'
seed: 7
rounds: 300
population:
  agents: 20000
  value: {dist: lognormal, mu: 0.0, sigma: 0.5}
  budget: {dist: uniform, low: 20.0, high: 80.0}
market:
  auctions: 15000
  bidders: 10
mechanism:
  name: gsp
  slots: 4
  ctr: {first: 0.3, decay: 0.7}
  reserve: 0.1
  clicks: sampled
agents:
  - {behaviour: truthful, share: 0.7}
  - {behaviour: shade, share: 0.3, factor: 0.8}
output:
  snapshot_every: 50
  checkpoint_every: 10
EOF
}

check_requeued_run() {
  local j=$1 log=$tmp/c.log out=$tmp/c.h5
  if [ "$(job_result "$j")" != "COMPLETED 0:0" ]; then
    fail "(c) job $j ended $(job_result "$j")"; show_log "$log"
  elif [ "$(job_field "$j" Restarts)" != 1 ] || ! grep -q 'resuming from' "$log"; then
    fail "(c) the job was not requeued and resumed once (Restarts=$(job_field "$j" Restarts))"
    show_log "$log"
  elif [ ! -f "$out" ] || [ -e "$tmp/c.ckpt.h5" ]; then
    fail "(c) after the resumed run: output present? $([ -f "$out" ] && echo yes || echo no); checkpoint left? $([ -e "$tmp/c.ckpt.h5" ] && echo yes || echo no)"
  elif ! same_output "$tmp/c-ref.h5" "$out"; then
    fail "(c) the resumed run differs from the uninterrupted one"
  else
    pass "(c) signalled run checkpointed, requeued, resumed, identical to an uninterrupted run"
  fi
}

test_checkpoint_requeue() {
  local long=$tmp/long.yaml j
  write_long_scenario "$long"
  if ! "$agora" check "$long" > /dev/null 2>&1; then
    echo "SKIP (c): this agora has no checkpoints (output.checkpoint_every is refused)"
    return
  fi
  "$agora" run "$long" --out "$tmp/c-ref.h5" --quiet || { fail "(c) reference run failed"; return; }
  j=$(sbatch --parsable --ntasks=2 --output="$tmp/c.log" slurm/checkpoint-requeue.sbatch "$long" "$tmp/c.h5")
  if ! cluster_wait 60 test -e "$tmp/c.ckpt.h5"; then
    fail "(c) no checkpoint appeared within 60 s"; show_log "$tmp/c.log"; return
  fi
  # What --signal=B:USR1@120 does before the time limit, without waiting minutes.
  scancel --signal=USR1 --batch "$j"
  if ! wait_jobs 120 "$j"; then fail "(c) job did not finish in time"; show_log "$tmp/c.log"; return; fi
  check_requeued_run "$j"
}

# ---- main ----------------------------------------------------------------------------------

start=$SECONDS
if ! cluster_start "$tmp/cluster"; then
  fail "the test cluster did not start"
  echo "$passed passed, $failed failed"
  exit 1
fi
echo "cluster up in $((SECONDS - start)) s (SLURM_CONF=$SLURM_CONF)"
export AGORA=$agora
cd "$src" # the templates are submitted from the repository root, as slurm/README.md says
test_one_run
test_sweep_array
test_checkpoint_requeue
echo "$passed passed, $failed failed ($((SECONDS - start)) s)"
[ "$failed" = 0 ]
