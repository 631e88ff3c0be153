#!/usr/bin/env bash
# Bad input end to end: every scenario in BAD_DIR, and a few bad command lines, must
# make `agora run` exit 2 with exactly one line on stderr (the one its first line
# announces as "# expect: <substring>"), nothing on stdout, and no file left where
# the output would have gone (no out.h5, no temporary out.h5.*).
#
# usage: bad_input.sh AGORA_BINARY BAD_DIR [MPIEXEC]
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 AGORA_BINARY BAD_DIR [MPIEXEC]" >&2
    exit 2
fi
MPIEXEC=${3:-}
AGORA=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BAD_DIR=$2
[ -x "$AGORA" ] || { echo "$AGORA: not an executable" >&2; exit 2; }
[ -d "$BAD_DIR" ] || { echo "$BAD_DIR: not a directory" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TMP=$WORK/out      # where --out points; must stay empty
SCRATCH=$WORK/scratch
mkdir -p "$SCRATCH"
# Singleton MPI runs as root need these, as mpirun would.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

passed=0
failed=0

# check NAME EXPECT DIR COMMAND...: runs COMMAND in DIR and judges the result.
check() {
    local name=$1 expect=$2 dir=$3
    shift 3
    rm -rf "$TMP"
    mkdir "$TMP"
    (cd "$dir" && timeout 120 "$@") >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    local rc=$? problems=()
    [ "$rc" -eq 2 ] || problems+=("exit code $rc, expected 2")
    local lines
    lines=$(wc -l <"$SCRATCH/stderr")
    if [ "$lines" -ne 1 ] || [ -n "$(tail -c1 "$SCRATCH/stderr")" ]; then
        problems+=("stderr is not exactly one line")
    fi
    grep -qF -- "$expect" "$SCRATCH/stderr" || problems+=("stderr lacks: $expect")
    [ -s "$SCRATCH/stdout" ] && problems+=("stdout is not empty")
    local left
    left=$(cd "$TMP" && ls -A)
    [ -z "$left" ] || problems+=("left behind: $(echo $left)")
    if [ ${#problems[@]} -eq 0 ]; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        printf '    %s\n' "${problems[@]}"
        sed 's/^/    stderr: /' "$SCRATCH/stderr" | head -5
        sed 's/^/    stdout: /' "$SCRATCH/stdout" | head -5
        failed=$((failed + 1))
    fi
}

# --- bad scenarios -----------------------------------------------------------------
n_files=0
for file in "$BAD_DIR"/*.yaml; do
    [ -e "$file" ] || continue
    n_files=$((n_files + 1))
    base=$(basename "$file")
    first=$(head -n 1 "$file")
    case $first in
    "# expect: "?*) expect=${first#"# expect: "} ;;
    *)
        echo "FAIL $base"
        echo "    first line is not '# expect: <substring>'"
        failed=$((failed + 1))
        continue
        ;;
    esac
    check "$base" "$expect" "$BAD_DIR" "$AGORA" run "$base" --out "$TMP/out.h5"
done
if [ "$n_files" -eq 0 ]; then
    echo "FAIL no scenarios in $BAD_DIR"
    failed=$((failed + 1))
fi

# --- bad command lines, around a scenario that is fine -------------------------------
cat >"$SCRATCH/good.yaml" <<'EOF'
rounds: 2
population: {agents: 8, value: {dist: uniform, low: 0, high: 1}}
market: {auctions: 2, bidders: 3}
mechanism: {name: gsp, ctr: [0.3, 0.2]}
EOF
check "cli: missing scenario file" "no_such_file.yaml: cannot read: No such file or directory" \
    "$SCRATCH" "$AGORA" run no_such_file.yaml --out "$TMP/out.h5"
check "cli: unknown option" "--frobnicate" \
    "$SCRATCH" "$AGORA" run good.yaml --frobnicate --out "$TMP/out.h5"
check "cli: AGORA_SIMD misspelt" "AGORA_SIMD=avx-512: expected scalar, sse2, avx2 or avx512" \
    "$SCRATCH" env AGORA_SIMD=avx-512 "$AGORA" run good.yaml --out "$TMP/out.h5"
check "cli: AGORA_BID_KEYS misspelt" "AGORA_BID_KEYS=of: expected on or off" \
    "$SCRATCH" env AGORA_BID_KEYS=of "$AGORA" run good.yaml --out "$TMP/out.h5"
check "cli: --set without =" "--set rounds" \
    "$SCRATCH" "$AGORA" run good.yaml --set rounds --out "$TMP/out.h5"
check "cli: --set with a bad value" "--set rounds=many: rounds: expected a whole number" \
    "$SCRATCH" "$AGORA" run good.yaml --set rounds=many --out "$TMP/out.h5"
check "cli: --seed ''" "agora: --seed needs a number, got ''" \
    "$SCRATCH" "$AGORA" run good.yaml --seed "" --out "$TMP/out.h5"
check "cli: --seed abc" "abc" \
    "$SCRATCH" "$AGORA" run good.yaml --seed abc --out "$TMP/out.h5"
check "cli: --out in a missing directory" "output.path" \
    "$SCRATCH" "$AGORA" run good.yaml --out /nonexistent/dir/x.h5
check "cli: --out is a directory" "output.path: $TMP is a directory" \
    "$SCRATCH" "$AGORA" run good.yaml --out "$TMP"
check "cli: --out under a file" "output.path: $SCRATCH/good.yaml is not a directory" \
    "$SCRATCH" "$AGORA" run good.yaml --out "$SCRATCH/good.yaml/x.h5"
check "cli: --out cannot be created" "output.path: cannot create '/proc/x.h5.partial': No such file" \
    "$SCRATCH" "$AGORA" run good.yaml --out /proc/x.h5
# Paths that would cost the user a file: the run renames its output over
# whatever is there and removes its checkpoint at the end.
mkfifo "$WORK/fifo"
check "cli: --out a FIFO" "output.path: $WORK/fifo is not a regular file" \
    "$SCRATCH" "$AGORA" run good.yaml --out "$WORK/fifo"
check "cli: --out the scenario itself" "output.path: good.yaml exists and is not an HDF5 file" \
    "$SCRATCH" "$AGORA" run good.yaml --out good.yaml
check "cli: checkpoint is the scenario" "output.checkpoint: good.yaml exists and is not an HDF5 file" \
    "$SCRATCH" "$AGORA" run good.yaml --out "$TMP/out.h5" --set output.checkpoint=good.yaml
check "cli: checkpoint is the output by another name" \
    "output.checkpoint: $TMP/./out.h5 is the output file ($TMP/out.h5) under another name" \
    "$SCRATCH" "$AGORA" run good.yaml --out "$TMP/out.h5" --set "output.checkpoint=$TMP/./out.h5"
check "cli: checkpoint cannot be created" \
    "output.checkpoint: cannot create '/proc/c.h5.tmp': No such file" \
    "$SCRATCH" "$AGORA" run good.yaml --out "$TMP/out.h5" --set output.checkpoint=/proc/c.h5
check "cli: --resume a folder" "$SCRATCH: --resume: not a regular file" \
    "$SCRATCH" "$AGORA" run good.yaml --out "$TMP/out.h5" --resume "$SCRATCH"

# --help after a command prints the usage and succeeds, whatever else is given.
for cmd in "run good.yaml --help" "check -h" "diff a.h5 --help"; do
    if out=$(cd "$SCRATCH" && "$AGORA" $cmd 2>&1) && [[ $out == "usage: agora run"* ]]; then
        echo "PASS cli: agora $cmd prints the usage"
        passed=$((passed + 1))
    else
        echo "FAIL cli: agora $cmd: $(printf '%s' "$out" | head -1)"
        failed=$((failed + 1))
    fi
done

# More ranks than agents: mpirun adds its own notice that a rank exited non-zero,
# so here the one line must be agora's and come once, whatever mpirun adds.
# The count is named as the file gives it: a values list, or a count left to
# its default (at its section, saying so).
too_many_ranks() { # too_many_ranks NAME SCENARIO RANKS WANT
    rm -rf "$TMP" && mkdir "$TMP"
    (cd "$SCRATCH" && timeout 120 "$MPIEXEC" --allow-run-as-root --oversubscribe -n "$3" "$AGORA" \
        run "$2" --out "$TMP/out.h5") >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$(grep -cF -- "$4" "$SCRATCH/stderr")" = 1 ] &&
       [ ! -s "$SCRATCH/stdout" ] && [ -z "$(ls -A "$TMP")" ]; then
        echo "PASS mpirun: $1"
        passed=$((passed + 1))
    else
        echo "FAIL mpirun: $1 (exit $rc)"
        sed 's/^/    stderr: /' "$SCRATCH/stderr" | head -5
        failed=$((failed + 1))
    fi
}
if [ -n "$MPIEXEC" ]; then
    too_many_ranks "more ranks than agents" good.yaml 9 \
        "good.yaml:2:22: population.agents: 8 agents cannot be spread over 9 ranks"
    printf 'rounds: 2\npopulation:\n  values: [1, 2]\nmarket: {auctions: 2, bidders: 2}\nmechanism: {name: gsp, ctr: [0.3]}\n' \
        > "$SCRATCH/values.yaml"
    too_many_ranks "more ranks than listed values" values.yaml 3 \
        "values.yaml:3:11: population.values: 2 agents cannot be spread over 3 ranks"
    printf 'rounds: 2\nfamily: commons\ncommons:\n  harvesters_per_pool: 5\n' > "$SCRATCH/pools.yaml"
    too_many_ranks "more ranks than the default pools" pools.yaml 2 \
        "pools.yaml:4:3: commons.pools: 1 (its default) cannot be spread over 2 ranks"
    rm -f "$SCRATCH/values.yaml" "$SCRATCH/pools.yaml"
fi

# The scratch directory must hold nothing but the scenario: no default-named output.
extra=$(cd "$SCRATCH" && ls -A | grep -vx -e good.yaml -e stdout -e stderr)
if [ -n "$extra" ]; then
    echo "FAIL cli: files left in the working directory: $(echo $extra)"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
