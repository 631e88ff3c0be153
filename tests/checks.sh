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
# The closing count; the test's exit status.
summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
