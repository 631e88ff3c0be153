#!/usr/bin/env bash
# Facility location benchmark (issue 7), results in BENCHMARKS.md:
#   committees: scenarios/facility_committees.yaml (n = 101, clusters, drift,
#               10% best responses, one probe per committee) -> instances per second
#   national:   scenarios/facility_national.yaml (one giant instance) -> seconds per round
# each at 1 and 2 ranks, plus the committees without behaviour, drift or probes
# (the mechanism, sorting and axiom checks alone). There is no peer baseline for
# this family. Times are `agora run`'s own loop time (output included, start-up
# and peak draws excluded).
# usage: bench/facility_bench.sh AGORA [COMMITTEES] [NATIONAL_AGENTS] [ROUNDS]
set -eu
agora=$1 committees=${2:-200000} national=${3:-1e8} rounds=${4:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpirun=(mpirun --allow-run-as-root --oversubscribe)

run() { # label ranks scenario args...
  local label=$1 p=$2 scenario=$3
  shift 3
  "${mpirun[@]}" -n "$p" "$agora" run "$here/scenarios/$scenario" --set rounds="$rounds" "$@" \
    --out "$tmp/out.h5" 2>/dev/null >"$tmp/log"
  local loop rate mem
  loop=$(sed -n 's/.*(rounds \([0-9.]*\) s, \([0-9.e+]*\) .*/\1/p' "$tmp/log")
  rate=$(sed -n 's/.*(rounds \([0-9.]*\) s, \([0-9.e+]*\) .*/\2/p' "$tmp/log")
  mem=$(sed -n 's/.*memory *\([0-9.]*\) MiB.*/\1/p' "$tmp/log")
  printf '%-34s ranks %d  loop %8.3f s  %8.3f s/round  rate %-9s  peak %s MiB/rank\n' \
    "$label" "$p" "$loop" "$(awk -v l="$loop" -v r="$rounds" 'BEGIN{print l/r}')" "$rate" "$mem"
}

for p in 1 2; do
  run "committees $committees x 101" "$p" facility_committees.yaml \
    --set population.instances="$committees"
  run "committees, truthful, no drift/probes" "$p" facility_committees.yaml \
    --set population.instances="$committees" --set 'behaviour={name: truthful}' \
    --set population.drift=0 --set probes.agents=0
  run "national $national agents" "$p" facility_national.yaml --set population.agents="$national"
done
