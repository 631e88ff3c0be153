#!/usr/bin/env bash
# The facility family end to end (DESIGN.md, invariant 1): both family
# scenarios (many instances; one giant instance) under every mechanism at 1, 2,
# 3 and 4 ranks, every dataset under /metrics and /facility compared with h5diff
# against the 1-rank run; the giant instance's locations equal those of the
# same agents run as one ordinary instance (distributed selection = sorting);
# SP gains, UFS/PF counts and misreports have the signs theory gives (also on
# two-point profiles); a different seed must change the output (the comparison
# can fail); more ranks than giant-instance agents is refused with one line.
# usage: facility_invariance.sh AGORA COMMITTEES_YAML NATIONAL_YAML MPIEXEC
set -u
agora=$1 committees=$2 national=$3 mpiexec=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# mechanism name -> extra --set arguments (kth needs k; phantoms needs n+1 points)
extra() {
  local mech=$1 n=$2
  case $mech in
  kth) echo "--set mechanism.k=2" ;;
  phantoms)
    # n + 1 phantoms j^2/n^2: skewed towards 0, so they differ from uniform_phantom's
    local list="" j
    for ((j = 0; j <= n; j++)); do list="$list${list:+,}$(awk -v j=$j -v n=$n 'BEGIN{printf "%.6f", (j*j)/(n*n)}')"; done
    echo "--set mechanism.phantoms=[$list]" ;;
  esac
}

run_case() { # name scenario mech agents
  local name=$1 scenario=$2 mech=$3 n=$4 p
  # shellcheck disable=SC2046
  for p in 1 2 3 4; do
    if ! "$mpiexec" --allow-run-as-root --oversubscribe -n "$p" "$agora" run "$scenario" \
        --set "mechanism.name=$mech" $(extra "$mech" "$n") --out "$tmp/$name-$mech-$p.h5" --quiet; then
      fail "$name $mech at $p ranks: the run failed"; continue
    fi
    [ "$p" = 1 ] && continue
    local ok=1 group
    for group in /metrics /facility; do
      if ! h5diff -r "$tmp/$name-$mech-1.h5" "$tmp/$name-$mech-$p.h5" "$group" "$group" >"$tmp/diff" 2>&1; then
        fail "$name $mech: $group differs between 1 and $p ranks"; head -20 "$tmp/diff"; ok=0
      fi
    done
    [ $ok = 1 ] && pass "$name $mech: 1 and $p ranks identical"
  done
}

for mech in median phantoms uniform_phantom average kth; do
  run_case committees "$committees" $mech 15
done
for mech in uniform_phantom average; do
  run_case national "$national" $mech 2001
done

# The giant instance's outcome is the one an ordinary (sorted) instance of the
# same agents gives: same peaks, reports and probes, so the same locations.
"$agora" run "$national" --set population.scale=instances --set population.instances=1 \
  --out "$tmp/national-sorted.h5" --quiet
if h5diff "$tmp/national-uniform_phantom-1.h5" "$tmp/national-sorted.h5" \
     /facility/location /facility/location >"$tmp/diff" 2>&1; then
  pass "giant instance locations equal the sorted single instance"
else
  fail "giant instance locations differ from the sorted single instance"; head -5 "$tmp/diff"
fi

# Properties at scenario scale (h5py): generalised medians show no profitable
# misreport and the average does; Uniform Phantom has no UFS/PF violations, also
# on two-point profiles, where the median has some.
metric() { # file name reducer -> one number
  /usr/bin/python3 -c "import h5py, numpy; print(numpy.$3(h5py.File('$1')['metrics/$2'][:]))"
}
check_metric() { # description file name reducer op value
  local got
  got=$(metric "$2" "$3" "$4") || { fail "$1: cannot read $3"; return; }
  if awk -v g="$got" -v v="$6" "BEGIN{exit !(g $5 v)}"; then pass "$1 ($3 $4 = $got)"
  else fail "$1 ($3 $4 = $got, want $5 $6)"; fi
}
for mech in median uniform_phantom kth phantoms; do
  check_metric "$mech: no gain from misreporting" "$tmp/committees-$mech-1.h5" sp_max_gain max '<=' 1e-12
done
check_metric "average: misreporting pays" "$tmp/committees-average-1.h5" sp_max_gain min '>' 1e-6
check_metric "average: best responders misreport" "$tmp/committees-average-1.h5" mean_misreport max '>' 0.01
check_metric "uniform_phantom: no UFS violations" "$tmp/committees-uniform_phantom-1.h5" ufs_violations max '==' 0
check_metric "uniform_phantom: no PF violations" "$tmp/committees-uniform_phantom-1.h5" pf_violations max '==' 0
for mech in median uniform_phantom; do
  "$agora" run "$committees" --set mechanism.name=$mech --set population.drift=0 \
    --set 'population.peaks={dist: two_point, ones: 0.3}' --out "$tmp/two-$mech.h5" --quiet
done
check_metric "two-point: uniform_phantom has no UFS violations" "$tmp/two-uniform_phantom.h5" ufs_violations max '==' 0
check_metric "two-point: the median has UFS violations" "$tmp/two-median.h5" ufs_violations min '>' 0

# The check must be able to fail: a different seed must change the datasets.
"$agora" run "$committees" --seed 99 --out "$tmp/other.h5" --quiet
if h5diff -q "$tmp/committees-uniform_phantom-1.h5" "$tmp/other.h5" /facility /facility >/dev/null 2>&1; then
  fail "a different seed gave identical locations"
else
  pass "a different seed changes the locations"
fi

# More ranks than the giant instance's agents: one line naming population.agents.
"$mpiexec" --allow-run-as-root --oversubscribe -n 3 "$agora" run "$national" \
  --set population.agents=2 --out "$tmp/too-many.h5" >"$tmp/out" 2>"$tmp/err"
rc=$?
want="population.agents: 2 cannot be spread over 3 ranks"
if [ $rc -ne 0 ] && [ "$(grep -cF -- "$want" "$tmp/err")" = 1 ] && [ ! -e "$tmp/too-many.h5" ]; then
  pass "more ranks than giant-instance agents is refused"
else
  fail "more ranks than giant-instance agents (exit $rc)"; head -5 "$tmp/err"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
