#!/usr/bin/env bash
# Bad input outside the scenario's keys (tests/bad_input.sh has those): a
# scenario path that cannot be read, an empty one, a NUL byte, huge or deeply
# nested text; output on a full or read-only filesystem; NaN, infinities,
# negative zero and out-of-range numbers given through --set. A refusal must be
# one line on stderr naming the problem, the documented exit code (2: bad input,
# 3: I/O), nothing on stdout, and nothing left where the output would go (no
# out.h5, no out.h5.partial, no checkpoint). RELIABILITY.md lists the cases.
#
# usage: bad_input_io.sh AGORA [MPIEXEC]
# The filesystem cases mount small tmpfs filesystems and need root; without
# mount permission they are reported as SKIP.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 AGORA [MPIEXEC]" >&2
    exit 2
fi
AGORA=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
MPIEXEC=${2:-}
[ -x "$AGORA" ] || { echo "$AGORA: not an executable" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

WORK=$(mktemp -d)
MOUNTS=()
cleanup() {
    local m
    for m in "${MOUNTS[@]}"; do umount "$m" 2> /dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
OUT=$WORK/out # where outputs go; must be empty after every refusal
SCRATCH=$WORK/scratch
mkdir -p "$OUT" "$SCRATCH"
cd "$SCRATCH" || exit 2

passed=0 failed=0 skipped=0 xfailed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP $*"; skipped=$((skipped + 1)); }
show() { sed 's/^/    stderr: /' "$SCRATCH/stderr" | head -5; }

cat > good.yaml << 'EOF'
rounds: 4
population: {agents: 40, value: {dist: uniform, low: 0, high: 1}}
market: {auctions: 10, bidders: 3}
mechanism: {name: gsp, ctr: [0.3, 0.2]}
agents:
  - {behaviour: truthful, share: 0.5}
  - {behaviour: shade, share: 0.5, factor: 0.8}
EOF

# run_case TIMEOUT COMMAND...: runs it with stdout/stderr captured; sets rc and
# secs. The output directory is emptied first.
run_case() {
    local limit=$1
    shift
    rm -rf "$OUT" && mkdir -p "$OUT"
    local t0 t1
    t0=$(date +%s.%N)
    timeout "$limit" "$@" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    rc=$?
    t1=$(date +%s.%N)
    secs=$(echo "$t1 - $t0" | bc)
}

# judge NAME CODE EXPECT [DIR...]: the last run_case must have exited CODE with
# exactly one stderr line containing EXPECT, empty stdout, and left nothing in
# OUT or in the extra DIRs.
judge() {
    local name=$1 code=$2 expect=$3
    shift 3
    local problems=() d
    [ "$rc" -eq "$code" ] || problems+=("exit code $rc, expected $code")
    if [ "$(wc -l < "$SCRATCH/stderr")" -ne 1 ] || [ -n "$(tail -c1 "$SCRATCH/stderr")" ]; then
        problems+=("stderr is not exactly one line")
    fi
    grep -qF -- "$expect" "$SCRATCH/stderr" || problems+=("stderr lacks: $expect")
    [ -s "$SCRATCH/stdout" ] && problems+=("stdout is not empty")
    for d in "$OUT" "$@"; do
        [ -z "$(ls -A "$d")" ] || problems+=("left behind in $d: $(ls -A "$d" | tr '\n' ' ')")
    done
    if [ ${#problems[@]} -eq 0 ]; then
        pass "$name"
    else
        fail "$name"
        printf '    %s\n' "${problems[@]}"
        show
    fi
}

# refused NAME CODE EXPECT ARGS...: `agora run ARGS --out OUT/out.h5` is refused.
refused() {
    local name=$1 code=$2 expect=$3
    shift 3
    run_case 60 "$AGORA" run "$@" --out "$OUT/out.h5"
    judge "$name" "$code" "$expect"
}

# --- the scenario file cannot be read --------------------------------------------------
# As root, permission bits do not stop reads (chmod 000 is no test). A directory
# and /proc/self/mem fail for every user: read() gives EISDIR on a directory and
# EIO on page 0 of one's own address space, which is never mapped.
mkdir -p a_directory.yaml
refused "scenario is a directory" 2 "a_directory.yaml: cannot read: Is a directory" a_directory.yaml
refused "scenario is /proc/self/mem" 2 "/proc/self/mem: cannot read: Input/output error" /proc/self/mem

# A FIFO with no writer blocks the reader, as it would `cat`; the run must still
# end on SIGTERM, with one line, instead of being stuck or killed silently.
mkfifo fifo.yaml
rm -rf "$OUT" && mkdir -p "$OUT"
"$AGORA" run fifo.yaml --out "$OUT/out.h5" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr" &
pid=$!
sleep 1 # past MPI_Init, which installs nothing over agora's SIGTERM handler
kill -TERM "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2> /dev/null; then
    kill -KILL "$pid"
    wait "$pid" 2> /dev/null
    fail "FIFO without a writer: still running 5 s after SIGTERM"
else
    wait "$pid"
    rc=$?
    judge "FIFO without a writer, then SIGTERM" 2 "fifo.yaml: cannot read: Interrupted system call"
fi
# ... and a pipe with a writer is a scenario like any other (process substitution).
run_case 60 "$AGORA" check <(cat good.yaml)
if [ "$rc" -eq 0 ] && grep -q '^rounds: 4$' "$SCRATCH/stdout"; then
    pass "scenario through a pipe (process substitution)"
else
    fail "scenario through a pipe: exit $rc"
    show
fi

# --- odd contents ----------------------------------------------------------------------
: > empty.yaml
refused "empty file" 2 "empty.yaml:1:1: rounds: required key is missing" empty.yaml
printf 'rounds: 4\nseed: 1\0\n' > nul.yaml
refused "NUL byte" 2 "nul.yaml:2:8: syntax: control characters are not allowed" nul.yaml
head -c 1048576 /dev/urandom > random.yaml
run_case 60 "$AGORA" run random.yaml --out "$OUT/out.h5"
judge "1 MiB of random bytes" 2 "random.yaml:"

# Huge files: 50 MB of comments after a valid scenario must load (a line per
# comment costs libyaml little), and 50 MB in one value must be refused by its
# length, both in bounded time.
/usr/bin/python3 - << 'EOF'
import shutil
line = "# " + "x" * 97 + "\n"
with open("huge_comments.yaml", "w") as f:
    f.write(open("good.yaml").read())
    f.write(line * (50 * 1024 * 1024 // len(line)))
with open("huge_value.yaml", "w") as f:
    f.write(open("good.yaml").read())
    f.write('output: {path: "' + "a" * (50 * 1024 * 1024) + '"}\n')
EOF
run_case 120 "$AGORA" run huge_comments.yaml --out "$OUT/out.h5" --quiet
if [ "$rc" -eq 0 ] && [ -f "$OUT/out.h5" ] && [ ! -s "$SCRATCH/stderr" ]; then
    pass "50 MB of comments: runs ($(printf '%.1f' "$secs") s)"
else
    fail "50 MB of comments: exit $rc after $secs s"
    show
fi
run_case 120 "$AGORA" run huge_value.yaml
judge "50 MB in one value ($(printf '%.1f' "$secs") s)" 2 \
    "huge_value.yaml:8:16: output.path: too long (at most 4095 characters)"

# libyaml looks at every open flow level for each token: 1 MB of '[' took it
# about half an hour until the loader checked the depth first.
/usr/bin/python3 -c "open('deep.yaml', 'w').write('rounds: ' + '[' * 1048576)"
run_case 60 "$AGORA" run deep.yaml --out "$OUT/out.h5"
judge "1 MB of '[' ($(printf '%.1f' "$secs") s)" 2 "deep.yaml:1:73: syntax: nested more than 64 levels deep"
/usr/bin/python3 - << 'EOF'
rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
for i in range(1, 9):
    rows.append("a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 10)))
open("aliases.yaml", "w").write("\n".join(rows) + "\n")
EOF
run_case 60 "$AGORA" run aliases.yaml --out "$OUT/out.h5"
judge "alias bomb (10^9 nodes)" 2 "too many nodes (aliases expand to too much)"

# --- non-finite and extreme numbers through --set ----------------------------------------
# The loader reads numbers itself (YAML 1.2 core schema) and refuses .nan and
# the infinities everywhere; a decimal too large for a double reads as infinity
# and is refused the same way.
finite() { # finite KEY=VALUE: refused as not finite
    refused "--set $1" 2 "--set $1: ${1%%=*}: must be a finite number, got ${1#*=}" \
        good.yaml --set "$1"
}
finite "mechanism.reserve=.nan"
finite "mechanism.reserve=.NaN"
finite "mechanism.reserve=.inf"
finite "mechanism.reserve=-.inf"
finite "mechanism.reserve=1e400"
finite "population.value=-1e400"
finite "population.budget=.inf"
finite "agents.1.factor=.inf"
finite "agents.0.share=.nan"
refused "--set a distribution bound of 1e400" 2 \
    "population.value.high: must be a finite number, got 1e400" \
    good.yaml --set 'population.value={dist: uniform, low: 0, high: 1e400}'
refused "--set lognormal mu: .inf" 2 "population.value.mu: must be a finite number, got .inf" \
    good.yaml --set 'population.value={dist: lognormal, mu: .inf, sigma: 1}'
refused "--set a NaN in the ctr list" 2 "mechanism.ctr.1: must be a finite number, got .nan" \
    good.yaml --set 'mechanism.ctr=[0.3, .nan]'
refused "--set an infinite per-agent value" 2 "population.values.2: must be a finite number, got .inf" \
    good.yaml --set population.value= --set population.agents= --set 'population.values=[1, 2, .inf]'
refused "--set rounds=1e400" 2 "rounds: must be between 1 and 1000000000, got 1e400" \
    good.yaml --set rounds=1e400
refused "--set seed=2^64" 2 "seed: must be between 0 and 18446744073709551615, got 18446744073709551616" \
    good.yaml --set seed=18446744073709551616
refused "--set market.auctions=.inf" 2 "market.auctions: must be between 1 and 4294967295, got .inf" \
    good.yaml --set market.auctions=.inf
refused "--set population.agents=-0" 2 "population.agents: must be between 1 and" \
    good.yaml --set population.agents=-0
refused "--set a hex float" 2 "mechanism.reserve: expected a number, got \"0x1p3\"" \
    good.yaml --set mechanism.reserve=0x1p3
refused "--set a YAML 1.1 number" 2 "rounds: expected a whole number, got \"1_000\"" \
    good.yaml --set rounds=1_000
refused "--set shade factor -0" 2 "agents.1.factor: must be greater than 0, got -0" \
    good.yaml --set agents.1.factor=-0
refused "--set with invalid UTF-8" 2 "not valid UTF-8 (byte 13); scenario text must be UTF-8" \
    good.yaml --set $'output.path=\xff.h5'
refused "--set with a line break in a quoted value" 2 \
    "mechanism.name: unknown mechanism \"g\\nsp\"" good.yaml --set 'mechanism.name="g\nsp"'

# Finite inputs whose sums leave the exact range (|sum| < 2^85, sim/fixed_sum.h)
# or whose draws are not finite stop the run with one line, at any rank count
# (before the sums saturated, these wrote 7.7e25, a wrapped 7.2e25, or at 2 ranks
# a negative welfare, with exit 0).
refused "--set values whose round sum leaves the exact range" 2 \
    "round 0: welfare is beyond the range of exact sums" good.yaml \
    --set population.value=1e20 --set market.auctions=1e6 --set 'mechanism.ctr=[1]' \
    --set agents= --set rounds=1
refused "--set a budget that would draw 0" 2 "population.budget.mu: lognormal(-800, 1) can draw numbers that overflow or vanish" \
    good.yaml --set 'population.budget={dist: lognormal, mu: -800, sigma: 1}'
if [ -n "$MPIEXEC" ]; then
    run_case 120 "$MPIEXEC" --allow-run-as-root --oversubscribe -n 2 "$AGORA" run good.yaml \
        --out "$OUT/out.h5" --quiet --set population.value=1e308 --set 'mechanism.ctr=[2]' \
        --set agents=
    n=$(grep -cF "round 0: welfare is beyond the range of exact sums" "$SCRATCH/stderr")
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$n" -eq 1 ] && [ -z "$(ls -A "$OUT")" ] &&
       [ ! -s "$SCRATCH/stdout" ]; then
        pass "2 ranks, a non-finite payment in every round: one line, nothing written"
    else
        fail "2 ranks, a non-finite payment: exit $rc, agora's line $n times"
        show
    fi
fi

# Negative zero is zero: a reserve of -0 runs, and its datasets equal reserve 0's.
run_case 60 "$AGORA" run good.yaml --out "$OUT/zero.h5" --quiet --set mechanism.reserve=0
cp "$OUT/zero.h5" "$SCRATCH/zero.h5"
run_case 60 "$AGORA" run good.yaml --out "$OUT/minus.h5" --quiet --set mechanism.reserve=-0.0
if [ "$rc" -eq 0 ] && h5diff -q "$SCRATCH/zero.h5" "$OUT/minus.h5" /metrics /metrics &&
   h5diff -q "$SCRATCH/zero.h5" "$OUT/minus.h5" /agents /agents; then
    pass "--set mechanism.reserve=-0.0 runs as reserve 0"
else
    fail "--set mechanism.reserve=-0.0 (exit $rc)"
    show
fi
# A decimal below the smallest double reads as 0 (strtod's rounding), not as an error.
run_case 60 "$AGORA" check good.yaml --set mechanism.reserve=1e-400
if [ "$rc" -eq 0 ] && grep -q '^  reserve: 0$' "$SCRATCH/stdout"; then
    pass "--set mechanism.reserve=1e-400 reads as 0"
else
    fail "--set mechanism.reserve=1e-400 (exit $rc)"
    show
fi

# --- output on a full or read-only filesystem -------------------------------------------
# An output whose datasets alone exceed the room on its filesystem is refused
# before round 0 (64 KiB here). A 2540 KiB tmpfs takes big.yaml's datasets
# (2523 KiB) but not its file with HDF5's own metadata (2595 KiB): the last
# snapshot fails mid-run. Expected: exit 3, agora's line naming the file, and
# nothing left on either filesystem. The refusal's figures: 19 metrics x 20
# rounds x 8 bytes (3040) and /population/group's 20000 one-byte indices come
# first, then /agents/value, 4 snapshots x 20000 agents x 8 bytes = 625.0 KiB:
# 663040 bytes = 647.5 KiB planned when it goes over 64 KiB. All four fields
# make the 2523 KiB. Open MPI's OMPIO prints
# its own lines on a failed write (mca_fbtl_posix_pwritev, vulcan_write_all);
# they are not agora's and are tolerated, agora's line must appear once.
ompio_noise='^(mca_fbtl_posix_pwritev|vulcan_write_all):'
mount_small() { # mount_small DIR OPTIONS: a tmpfs, remembered for cleanup
    mkdir -p "$1"
    mount -t tmpfs -o "$2" tmpfs "$1" 2> /dev/null || return 1
    MOUNTS+=("$1")
}

# judge_io NAME EXPECT DIR...: like judge, for code 3 with OMPIO's lines allowed.
# HDF5 1.10.8 crashes at MPI_Finalize after a failed H5Fclose (exit 139 after
# agora's line, or 1 with AddressSanitizer's SEGV report in the sanitizer
# build; RELIABILITY.md, known issue 1): reported as XFAIL while that stands, so
# that any other deviation still fails.
judge_io() {
    local name=$1 expect=$2
    shift 2
    local problems=() d ours
    ours=$(grep -cF -- "$expect" "$SCRATCH/stderr")
    [ "$ours" -eq 1 ] || problems+=("agora's line ($expect) appears $ours times")
    if grep -vF -- "$expect" "$SCRATCH/stderr" | grep -qvE "$ompio_noise"; then
        problems+=("stderr has other lines")
    fi
    [ -s "$SCRATCH/stdout" ] && problems+=("stdout is not empty")
    for d in "$OUT" "$@"; do
        [ -z "$(ls -A "$d")" ] || problems+=("left behind in $d: $(ls -A "$d" | tr '\n' ' ')")
    done
    if [ ${#problems[@]} -eq 0 ] && [ "$rc" -eq 3 ]; then
        pass "$name"
    elif { [ "$rc" -eq 139 ] || { [ "$rc" -eq 1 ] && grep -q 'AddressSanitizer: SEGV' "$SCRATCH/stderr"; }; } &&
         [ "$ours" -eq 1 ] && [ -z "$(cat "$SCRATCH/stdout")" ] &&
         [ -z "$(for d in "$OUT" "$@"; do ls -A "$d"; done)" ]; then
        echo "XFAIL $name: exit $rc (segfault in HDF5 at exit, after agora's line; nothing left behind)"
        xfailed=$((xfailed + 1))
    else
        fail "$name (exit $rc, expected 3)"
        printf '    %s\n' "${problems[@]}"
        show
    fi
}

# names_cause NAME: agora's line says why the write failed, not only that it did.
names_cause() {
    if grep -q "cannot write.*: no space left on device" "$SCRATCH/stderr"; then
        pass "$1: the message names the cause"
    else
        fail "$1: the message does not say the device is full"
        show
    fi
}

cat > big.yaml << 'EOF'
rounds: 20
population: {agents: 20000, value: {dist: uniform, low: 0, high: 1}}
market: {auctions: 100, bidders: 4}
mechanism: {name: gsp, ctr: [0.3, 0.2]}
output: {snapshot_every: 5}
EOF
FULL=$WORK/full SMALL=$WORK/small RO=$WORK/ro
if mount_small "$FULL" size=2540k && mount_small "$SMALL" size=64k &&
   mount_small "$RO" size=64k,ro; then
    run_case 120 "$AGORA" run big.yaml --out "$SMALL/out.h5" --quiet
    judge_io "output larger than its filesystem, refused before round 0" \
        "output.path: the output needs at least 647.5 KiB (/agents/value alone 625.0 KiB), and its file system has 64.0 KiB free" \
        "$SMALL"
    run_case 120 "$AGORA" run big.yaml --out "$FULL/out.h5" --quiet
    judge_io "output on a full filesystem" "$FULL/out.h5.partial: cannot write" "$FULL"
    names_cause "output on a full filesystem"
    run_case 120 "$AGORA" run big.yaml --out "$OUT/out.h5" --quiet \
        --set output.checkpoint="$SMALL/c.ckpt.h5" --set output.checkpoint_every=5
    judge_io "checkpoint on a full filesystem" "$SMALL/c.ckpt.h5: cannot write the checkpoint" "$SMALL"
    names_cause "checkpoint on a full filesystem"
    if [ -n "$MPIEXEC" ]; then
        # Two ranks: the job must end (no rank left waiting in a collective),
        # also with compression, where every write is collective (a rank once
        # went on to the next write after the other's had failed, and hung).
        two_ranks_full() { # two_ranks_full NAME DIR ARGS...
            local name=$1 dir=$2
            shift 2
            run_case 120 "$MPIEXEC" --allow-run-as-root --oversubscribe -n 2 "$AGORA" run big.yaml \
                --out "$dir/out.h5" --quiet "$@"
            n=$(grep -cF "$dir/out.h5.partial: cannot write" "$SCRATCH/stderr")
            if [ "$rc" -ne 124 ] && [ "$rc" -ne 0 ] && [ "$n" -eq 1 ] && [ -z "$(ls -A "$dir")$(ls -A "$OUT")" ]; then
                pass "$name, 2 ranks: ends in $(printf '%.1f' "$secs") s (exit $rc), one agora line"
            else
                fail "$name, 2 ranks: exit $rc after $secs s, agora's line $n times"
                show
            fi
        }
        two_ranks_full "output on a full filesystem" "$FULL"
        two_ranks_full "compressed output on a full filesystem" "$SMALL" --set output.compress=1
    fi
    run_case 60 "$AGORA" run big.yaml --out "$RO/out.h5" --quiet
    judge "output on a read-only filesystem" 2 \
        "output.path: cannot create '$RO/out.h5.partial': Read-only file system" "$RO"
else
    skip "full and read-only filesystems: cannot mount tmpfs here (needs root)"
fi

[ "$xfailed" -gt 0 ] && echo "($xfailed known failure(s) reported as XFAIL: see RELIABILITY.md)"
[ "$skipped" -gt 0 ] && echo "($skipped case(s) skipped)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
