#!/usr/bin/env bash
# A bounded libFuzzer run of the scenario loader: builds tests/fuzz/fuzz_scenario
# if needed, fuzzes for SECONDS from the seed corpus, prints the number of
# executions, and exits non-zero if any input crashed (a property violation, a
# sanitizer report, a leak, a timeout or running out of memory).
#
# usage: tests/fuzz/run.sh [SECONDS]     (default 60)
# Environment: FUZZ_BUILD (default build-fuzz): where the fuzzer is built;
#   FUZZ_WORK (default FUZZ_BUILD/work): new corpus entries and crash artefacts
#   (never written under tests/: the seed corpus stays as committed);
#   FUZZ_JOBS (default 1): independent fuzzing processes sharing the corpus
#   (libFuzzer -jobs; their executions are added up).
set -u
cd "$(dirname "$0")/../.."
seconds=${1:-60}
build=${FUZZ_BUILD:-build-fuzz}
work=${FUZZ_WORK:-$build/work}
jobs=${FUZZ_JOBS:-1}
case $seconds in '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;; esac

# Rebuild when any source is newer than the binary.
bin=$build/fuzz_scenario
stale=$(find tests/fuzz/fuzz_scenario.c sim/yaml_tree.c sim/scenario*.c sim/rng.c sim/sampling.c \
        sim/status.c sim/*.h mechanisms agents -newer "$bin" 2> /dev/null | head -1)
if [ ! -x "$bin" ] || [ -n "$stale" ]; then
    tests/fuzz/build.sh "$build" || { echo "FAIL fuzz: build"; exit 1; }
fi
mkdir -p "$work/corpus" "$work/crashes"
log=$work/fuzz.log

# -max_len 8192: scenarios are small; longer inputs only slow each execution.
# -timeout 10: an alias bomb or quadratic path is a finding, not a hang.
# -rss_limit_mb 2048: an input that makes the loader allocate this much is a bug.
# The loader resolves output paths against the working directory: run from the
# work directory so no fuzzed path lands in the checkout.
args=(-max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048
      -print_final_stats=1 -dict="$PWD/tests/fuzz/scenario.dict"
      -artifact_prefix="$PWD/$work/crashes/")
# -jobs runs independent processes (each writes fuzz-N.log in the working
# directory), which outpaces -fork here: a fork job restarts every few seconds
# and reloads the whole corpus.
[ "$jobs" -gt 1 ] && args+=(-jobs="$jobs" -workers="$jobs")
rm -f "$work"/fuzz-*.log
start=$(date +%s.%N)
(cd "$work" && "$OLDPWD/$bin" "${args[@]}" corpus "$OLDPWD/tests/fuzz/corpus") > "$log" 2>&1
rc=$?
end=$(date +%s.%N)

# Executions: the final stats line of each process, added up (with -jobs, each
# job's own log; the main log repeats them).
logs=("$log")
[ "$jobs" -gt 1 ] && logs=("$work"/fuzz-*.log)
execs=$(cat "${logs[@]}" | sed -n 's/^stat::number_of_executed_units: *//p' |
        awk '{n += $1} END {print n + 0}')
elapsed=$(echo "$end - $start" | bc)
crashes=$(ls "$work/crashes" 2> /dev/null | wc -l)
echo "fuzz: ${execs:-0} executions in ${elapsed%.*} s (${seconds} s asked), corpus $(ls "$work/corpus" | wc -l) entries"
if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    echo "FAIL fuzz: exit $rc, $crashes crash artefact(s) in $work/crashes"
    grep -E -A12 'ERROR|property violated|runtime error|SUMMARY' "$log" | head -40 | sed 's/^/    /'
    echo "0 passed, 1 failed"
    exit 1
fi
echo "PASS fuzz: no crash in ${execs:-0} executions"
echo "1 passed, 0 failed"
