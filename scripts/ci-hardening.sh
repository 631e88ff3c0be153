#!/usr/bin/env bash
# CI hardening steps (issue 12; RELIABILITY.md):
#   asan      build with AddressSanitizer + UBSan in build-asan/ and run ctest there
#   valgrind  a portable RelWithDebInfo build in build-vg/; every Check unit test
#             and a few single-process `agora` runs under valgrind memcheck
#   fuzz      the scenario-loader fuzzer for FUZZ_SECONDS (default 300)
# Prints PASS/FAIL per step and a final "N passed, M failed" line; exits non-zero
# when a step fails. Installs what it needs (the project's test packages, plus
# valgrind, clang and libclang-rt-14-dev for libFuzzer) when missing.
#
# usage: scripts/ci-hardening.sh [STEP...]     (default: asan valgrind fuzz)
# Environment: FUZZ_SECONDS (300), FUZZ_JOBS (2), JOBS (nproc).
set -u
cd "$(dirname "$0")/.."
root=$PWD
steps=${*:-asan valgrind fuzz}
jobs=${JOBS:-$(nproc)}
passed=0 failed=0
log_dir=$root/build-hardening-logs
mkdir -p "$log_dir"

step_result() { # step_result NAME RC SECONDS
    if [ "$2" -eq 0 ]; then
        echo "PASS $1 ($3 s)"
        passed=$((passed + 1))
    else
        echo "FAIL $1 ($3 s; log: $log_dir/$1.log)"
        [ "$1" = valgrind ] || tail -n 30 "$log_dir/$1.log" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

install_missing() {
    scripts/install-deps.sh test || return 1
    local p missing=""
    for p in valgrind clang libclang-rt-14-dev; do
        dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "installing:$missing" >&2
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends $missing > /dev/null
}

# (a) The whole ctest suite under ASan + UBSan. Open MPI keeps allocations until
# exit, so leak checking would only report those; UBSan stops at the first report.
step_asan() {
    cmake -S . -B build-asan -DAGORA_WERROR=ON -DAGORA_TESTS=ON -DAGORA_SANITIZE=ON > /dev/null &&
        cmake --build build-asan -j "$jobs" &&
        ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
            ctest --test-dir build-asan --output-on-failure -j "$jobs"
}

# (b) valgrind memcheck. Portable flags only (valgrind 3.19 cannot run AVX-512
# code): the default RelWithDebInfo build, no -march. --error-exitcode=99 tells a
# memcheck report apart from agora's own exit codes (2, 3, 75, ...).
VG=(valgrind -q --error-exitcode=99 --leak-check=no --num-callers=30
    --suppressions="$root/tests/valgrind.supp")
vg_failed=0
vg() { # vg NAME EXPECTED_RC COMMAND...: one command under memcheck
    local name=$1 want=$2
    shift 2
    "${VG[@]}" "$@"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then
        echo "PASS valgrind: $name"
        return 0
    fi
    echo "FAIL valgrind: $name (exit $rc, expected $want; 99 = memcheck errors)"
    vg_failed=$((vg_failed + 1))
    return 1
}

step_valgrind() {
    cmake -S . -B build-vg -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAGORA_TESTS=ON -DAGORA_SANITIZE=OFF \
        > /dev/null && cmake --build build-vg -j "$jobs" || return 1
    # hwloc's x86 backend cannot run under valgrind and says so on stderr.
    export HWLOC_COMPONENTS=-x86 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    vg_failed=0
    # Every ctest test that is one of our executables run directly (the Check unit
    # tests), in its working directory; scripts and mpirun tests are left out.
    local name dir cmd
    while IFS=$'\t' read -r name dir cmd; do
        # shellcheck disable=SC2086
        (cd "$dir" && vg "unit $name" 0 $cmd) || vg_failed=$((vg_failed + 1))
    done < <(ctest --test-dir build-vg --show-only=json-v1 | /usr/bin/python3 -c '
import json, sys
root = sys.argv[1]
for t in json.load(sys.stdin)["tests"]:
    cmd = t.get("command") or []
    if not cmd or not cmd[0].startswith(root + "/"):
        continue
    wd = next((p["value"] for p in t.get("properties", []) if p["name"] == "WORKING_DIRECTORY"), root)
    print(t["name"], wd, " ".join(cmd), sep="\t")
' "$root/build-vg")
    # A few single-process runs: every behaviour family, budgets, sampled clicks,
    # compression, a stop and a resume, diff, check, and a refusal.
    local a=$root/build-vg/agora tmp
    tmp=$(mktemp -d)
    (
        cd "$tmp" || exit 1
        vg "run checkpoint.yaml, stop after 20" 75 "$a" run "$root/tests/scenarios/checkpoint.yaml" \
            --out c.h5 --quiet --stop-after 20 --set output.compress=4
        vg "resume it" 0 "$a" run "$root/tests/scenarios/checkpoint.yaml" --out c.h5 --quiet \
            --resume c.ckpt.h5 --set output.compress=4
        vg "run checkpoint.yaml uninterrupted" 0 "$a" run "$root/tests/scenarios/checkpoint.yaml" \
            --out u.h5 --quiet
        vg "diff" 0 "$a" diff c.h5 u.h5
        vg "run invariance.yaml" 0 "$a" run "$root/tests/scenarios/invariance.yaml" --out i.h5 --quiet
        vg "run default.yaml" 0 "$a" run "$root/scenarios/default.yaml" --out d.h5 --quiet
        vg "run invariance_truthful.yaml (bid keys)" 0 "$a" run \
            "$root/tests/scenarios/invariance_truthful.yaml" --out t.h5 --quiet
        vg "run bandits.yaml (1000 agents, 30 rounds)" 0 "$a" run "$root/scenarios/bandits.yaml" \
            --out b.h5 --quiet --set rounds=30 --set output.snapshot_every=10 \
            --set population.agents=1000
        vg "run learning_market.yaml (2000 agents, 10 rounds)" 0 "$a" run \
            "$root/scenarios/learning_market.yaml" --out l.h5 --quiet --set rounds=10 \
            --set population.agents=2000 --set output.snapshot_every=5
        vg "run commons_villages.yaml" 0 "$a" run "$root/tests/scenarios/commons_villages.yaml" \
            --out cv.h5 --quiet
        vg "run commons_global.yaml" 0 "$a" run "$root/tests/scenarios/commons_global.yaml" \
            --out cg.h5 --quiet
        vg "run fishery.yaml, stop after 3" 75 "$a" run "$root/scenarios/fishery.yaml" --out f.h5 \
            --quiet --stop-after 3
        vg "resume it" 0 "$a" run "$root/scenarios/fishery.yaml" --out f.h5 --quiet \
            --resume f.ckpt.h5
        vg "run fishery.yaml uninterrupted" 0 "$a" run "$root/scenarios/fishery.yaml" --out fu.h5 \
            --quiet
        vg "diff the fishery runs" 0 "$a" diff f.h5 fu.h5
        vg "check default.yaml" 0 "$a" check "$root/scenarios/default.yaml"
        vg "run facility committees" 0 "$a" run "$root/tests/scenarios/facility_committees.yaml" \
            --out fc.h5 --quiet
        vg "run facility giant instance" 0 "$a" run "$root/tests/scenarios/facility_national.yaml" \
            --out fn.h5 --quiet
        vg "run cloud_small.yaml" 0 "$a" run "$root/tests/scenarios/cloud_small.yaml" --out cs.h5 --quiet
        vg "run cloud_small.yaml, stop after 3" 75 "$a" run "$root/tests/scenarios/cloud_small.yaml" \
            --out cr.h5 --quiet --stop-after 3
        vg "resume it" 0 "$a" run "$root/tests/scenarios/cloud_small.yaml" --out cr.h5 --quiet \
            --resume cr.ckpt.h5
        vg "run facility giant instance, stop after 2" 75 "$a" run \
            "$root/tests/scenarios/facility_national.yaml" --out fr.h5 --quiet --stop-after 2
        vg "resume it" 0 "$a" run "$root/tests/scenarios/facility_national.yaml" --out fr.h5 --quiet \
            --resume fr.ckpt.h5
        vg "a refused scenario" 2 "$a" run "$root/tests/scenarios/bad/unknown_key.yaml" --out x.h5
        exit $vg_failed
    ) > "$log_dir/valgrind-runs.log" 2>&1
    local rc=$?
    grep -E '^(PASS|FAIL)' "$log_dir/valgrind-runs.log"
    rm -rf "$tmp"
    [ "$vg_failed" -eq 0 ] && [ "$rc" -eq 0 ]
}

# (c) Bounded fuzzing of the scenario loader (libFuzzer, ASan, UBSan, leaks on).
step_fuzz() {
    FUZZ_JOBS=${FUZZ_JOBS:-2} tests/fuzz/run.sh "${FUZZ_SECONDS:-300}"
}

install_missing > "$log_dir/install.log" 2>&1 || { echo "FAIL install (see $log_dir/install.log)"; exit 1; }
for s in $steps; do
    case $s in asan | valgrind | fuzz) ;; *) echo "unknown step: $s (asan, valgrind, fuzz)" >&2; exit 2 ;; esac
    t0=$(date +%s)
    "step_$s" > "$log_dir/$s.log" 2>&1
    rc=$?
    [ "$s" = valgrind ] && grep -E '^(PASS|FAIL)' "$log_dir/$s.log" | sed 's/^/    /'
    [ "$s" = fuzz ] && grep -E '^fuzz:' "$log_dir/$s.log" | sed 's/^/    /'
    step_result "$s" "$rc" $(($(date +%s) - t0))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
