# Helpers for the shell tests, sourced after `mpiexec` is set: PASS/FAIL lines
# and their count, mpirun as root with any rank count, and whether two runs
# hold the same simulated data.
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
mpi() { local n=$1; shift; "$mpiexec" --allow-run-as-root --oversubscribe -n "$n" "$@"; }
# same A B: every dataset of /metrics, /agents and /population identical (the
# run's metadata, such as its wall time, may differ).
same() {
  local g
  for g in /metrics /agents /population; do
    h5diff -q "$1" "$2" "$g" "$g" > /dev/null 2>&1 || return 1
  done
}
# Runs the rest of the test in a fresh folder ($tmp), removed at exit.
in_scratch() {
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cd "$tmp" || exit 1
}
# same_at_ranks WHAT REF NAME: NAME.yaml at 1, 2 and 3 ranks (NAME-P.h5) gives
# the datasets of REF.yaml at one rank (REF.h5): e.g. numbers from a file
# against the same numbers inline. Needs $agora.
same_at_ranks() {
  local what=$1 ref=$2 name=$3 p
  "$agora" run "$ref.yaml" --out "$ref.h5" --quiet || fail "$what: the $ref run"
  for p in 1 2 3; do
    if mpi "$p" "$agora" run "$name.yaml" --out "$name-$p.h5" --quiet &&
       same "$ref.h5" "$name-$p.h5"; then
      pass "$what at $p ranks"
    else
      fail "$what at $p ranks"
    fi
  done
}
# The closing count; the test's exit status.
summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
