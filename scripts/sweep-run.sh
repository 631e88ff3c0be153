#!/usr/bin/env bash
# Runs the runs of a sweep made by `agora sweep`: run INDEX (0-based line of
# DIR/manifest.tsv, e.g. a Slurm array task id) or, without INDEX, every run in
# order. A run whose output exists is skipped, so running this again never redoes
# finished work; a run with a checkpoint resumes from it.
#
# usage: scripts/sweep-run.sh DIR [INDEX] [--ranks P]
#   --ranks P   run with scripts/mpirun.sh -n P (default 1: a plain process)
#   AGORA=...   the agora binary (default: build/agora of this repository)
#
# Per run, in DIR/runs: <id>.h5 when done; <id>.failed holding the exit code when
# agora failed (removed when a later attempt succeeds); nothing new when agora
# stopped at a checkpoint (exit 75), which the next attempt resumes.
# SIGUSR1 or SIGTERM sent to this script is passed on to agora (which checkpoints
# at the end of its round and exits 75); no further run is started after it.
# Exit: 0 when every requested run is done, 75 when stopped at a checkpoint, else
# the exit code of the last run that failed (2 for bad usage).
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
agora=${AGORA:-$repo/build/agora}

usage() {
  echo "usage: scripts/sweep-run.sh DIR [INDEX] [--ranks P]" >&2
  exit 2
}

dir= index= ranks=1
while [ $# -gt 0 ]; do
  case $1 in
    --ranks) [ $# -ge 2 ] || usage; ranks=$2; shift ;;
    --ranks=*) ranks=${1#--ranks=} ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) usage ;;
    *) if [ -z "$dir" ]; then dir=$1; elif [ -z "$index" ]; then index=$1; else usage; fi ;;
  esac
  shift
done
[ -n "$dir" ] || usage
case $ranks in ''|*[!0-9]*|0) echo "sweep-run: --ranks needs a whole number >= 1" >&2; exit 2 ;; esac
manifest=$dir/manifest.tsv runs=$dir/runs
[ -f "$manifest" ] || { echo "sweep-run: $manifest: no such file (make it with agora sweep)" >&2; exit 2; }
[ -x "$agora" ] || { echo "sweep-run: $agora: no agora binary (build it, or set AGORA)" >&2; exit 2; }

# Signals for agora arrive here first (Slurm's --signal=B:..., scancel --batch);
# pass them on, and start nothing new afterwards.
child= stopping=0 signalled=0
forward() {
  signalled=1 stopping=1
  [ -n "$child" ] && kill -s "$1" "$child" 2> /dev/null
}
trap 'forward USR1' USR1
trap 'forward TERM' TERM

# Waits for the child; a trapped signal interrupts `wait` (status > 128) while
# the child runs on, so wait again until the child itself has ended.
wait_child() {
  local rc prev=
  while :; do
    signalled=0
    wait "$child"
    rc=$?
    if [ "$rc" = 127 ] && [ -n "$prev" ]; then rc=$prev; break; fi
    if [ "$signalled" = 1 ] && [ "$rc" -gt 128 ]; then prev=$rc; continue; fi
    break
  done
  child=
  return "$rc"
}

# run_one ID OVERRIDES: runs one run unless it is done; returns agora's status.
run_one() {
  local id=$1 what=$2 yaml=$runs/$1.yaml out=$runs/$1.h5 ckpt=$runs/$1.ckpt.h5
  if [ -e "$out" ]; then
    echo "sweep-run: $id: done, skipped"
    rm -f "$runs/$id.failed"
    return 0
  fi
  [ -f "$yaml" ] || { echo "sweep-run: $yaml: no such file" >&2; return 2; }
  local cmd=("$agora" run "$yaml")
  if [ -e "$ckpt" ]; then
    cmd+=(--resume "$ckpt")
    echo "sweep-run: $id: resuming from $ckpt ($what)"
  else
    echo "sweep-run: $id: starting ($what)"
  fi
  [ "$ranks" -gt 1 ] && cmd=("$repo/scripts/mpirun.sh" -n "$ranks" "${cmd[@]}")
  "${cmd[@]}" &
  child=$!
  wait_child
  local rc=$?
  case $rc in
    0) rm -f "$runs/$id.failed"; echo "sweep-run: $id: done" ;;
    75) echo "sweep-run: $id: stopped at a checkpoint; run again to resume" ;;
    *) echo "$rc" > "$runs/$id.failed"; echo "sweep-run: $id: failed (exit code $rc)" >&2 ;;
  esac
  return "$rc"
}

# The manifest's lines after the header: id, seed, overrides.
if [ -n "$index" ]; then
  case $index in ''|*[!0-9]*) echo "sweep-run: INDEX must be a whole number" >&2; exit 2 ;; esac
  line=$(sed -n "$((index + 2))p" "$manifest")
  [ -n "$line" ] || { echo "sweep-run: $manifest has no run $index" >&2; exit 2; }
  IFS=$'\t' read -r id _ what <<< "$line"
  run_one "$id" "$what"
  exit $?
fi
status=0
while IFS=$'\t' read -r id _ what; do
  [ "$stopping" = 1 ] && { status=75; break; }
  run_one "$id" "$what" < /dev/null
  rc=$?
  if [ "$rc" = 75 ]; then status=75; break; fi
  [ "$rc" != 0 ] && status=$rc
done < <(tail -n +2 "$manifest")
exit "$status"
