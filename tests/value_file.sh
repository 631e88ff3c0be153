#!/usr/bin/env bash
# Values, budgets and qualities read from an HDF5 file (`{dist: file, path,
# dataset}`, sim/dist_file.c): each rank reads the agents it owns, and owners
# answer their agents' qualities beside their bids.
#  1. a run reading values from a file equals one given the same numbers as an
#     inline `population.values` list (every dataset), at 1, 2 and 3 ranks;
#     a [1, agents] row (a run's /agents/value) and an [agents, 1] column read
#     the same as [agents];
#     budgets from a file equal the same budgets as a list;
#  2. qualities from a file equal the same qualities as a list at 1, 2 and 3
#     ranks, in a market ranking by bid x quality with a reserve, Poisson
#     clicks, budgets, paced learners and probes; in one of truthful bidders
#     only (the one-rank blocked round and the routed chunks); and in an AIGC
#     market (quality x position pair CTRs);
#  3. stopped at 2 ranks and resumed at 3, it equals the uninterrupted run;
#  4. bad input stops with one line naming the scenario's line and key, exit 2,
#     no output: a missing file, a file that is not HDF5, a missing dataset,
#     the wrong length, no numbers, a negative value (on the last rank of 3),
#     a zero quality (on rank 2 of 3), and probes with values from a file.
# usage: value_file.sh AGORA MPIEXEC PYTHON
set -u
agora=$1 mpiexec=$2 python=$3
. "$(dirname "$0")/checks.sh"
in_scratch

"$python" - <<'PY' || { echo "FAIL writing the inputs"; exit 1; }
import h5py, numpy as np
rng = np.random.default_rng(11)
v = rng.lognormal(0.0, 0.5, 1000)
b = rng.uniform(5.0, 20.0, 1000)
q = rng.lognormal(0.0, 0.4, 1000)
with h5py.File("values.h5", "w") as f:
    f["quality"] = q
    zero = q.copy(); zero[400] = 0.0
    f["zero_quality"] = zero
    f["value"] = v
    f.create_group("agents")["value"] = v.reshape(1, -1)
    f["column"] = v.reshape(-1, 1)
    f["budget"] = b
    f["short"] = v[:999]
    f["words"] = np.array([b"x"] * 1000)
    neg = v.copy(); neg[700] = -0.5
    f["negative"] = neg
open("not-hdf5.h5", "w").write("plain text\n")
common = ("seed: 3\nrounds: 8\nmarket: {auctions: 60, bidders: 8}\n"
          "mechanism: {name: gsp, slots: 3, ctr: {first: 0.3, decay: 0.7}}\n")
nums = lambda xs: "[" + ", ".join(repr(float(x)) for x in xs) + "]"
with open("list.yaml", "w") as y:
    y.write(common + "population:\n  values: " + nums(v) + "\n")
with open("file.yaml", "w") as y:
    y.write(common + "population:\n  agents: 1000\n  value: {dist: file, path: values.h5}\n")
with open("budget-list.yaml", "w") as y:
    y.write(common + "population:\n  values: " + nums(v) + "\n  budget: " + nums(b) + "\n")
scored = ("seed: 5\nrounds: 6\nmarket: {auctions: 61, bidders: 6}\n"
          "mechanism: {name: gsp, rank_by: score, slots: 3, ctr: {first: 0.6, decay: 0.5}, "
          "reserve: 0.3, clicks: poisson}\n"
          "agents:\n  - {behaviour: truthful, share: 0.5}\n  - {behaviour: shade, share: 0.2, factor: 0.8}\n"
          "  - {behaviour: exp3, share: 0.3, levels: 6, pacing: multiplier}\n"
          "probes: {auctions: 5, grid: 9}\n"
          "population:\n  agents: 1000\n  value: {dist: lognormal, mu: 0.0, sigma: 0.5}\n"
          "  budget: {dist: uniform, low: 0.5, high: 3.0}\n")
plain = (common + "population:\n  agents: 1000\n  value: {dist: lognormal, mu: 0.0, sigma: 0.5}\n")
aigc = ("seed: 9\nrounds: 5\nmarket: {auctions: 40, bidders: 8}\n"
        "mechanism: {name: aigc, user_model: mnl, slots: 4, ctr: [0.5, 0.4, 0.3, 0.2], "
        "max_shown: 3, pair_noise: 0.3}\n"
        "population:\n  agents: 1000\n  value: {dist: lognormal, mu: 0.0, sigma: 0.5}\n")
for name, text in (("scored", scored), ("plain", plain), ("aigc", aigc)):
    with open(name + "-qlist.yaml", "w") as y:
        y.write(text + "  quality: " + nums(q) + "\n")
    with open(name + "-qfile.yaml", "w") as y:
        y.write(text + "  quality: {dist: file, path: values.h5, dataset: quality}\n")
with open("budget-file.yaml", "w") as y:
    y.write(common + "population:\n  agents: 1000\n  value: {dist: file, path: values.h5}\n"
            "  budget: {dist: file, path: values.h5, dataset: budget}\n")
PY

same_at_ranks "values from a file equal the inline list" list file
if mpi 2 "$agora" run file.yaml --out row.h5 --quiet --set population.value.dataset=/agents/value &&
   same list.h5 row.h5; then
  pass "a [1, agents] row reads as [agents]"
else
  fail "a [1, agents] row"
fi
if mpi 3 "$agora" run file.yaml --out column.h5 --quiet --set population.value.dataset=column &&
   same list.h5 column.h5; then
  pass "an [agents, 1] column reads as [agents]"
else
  fail "an [agents, 1] column"
fi
"$agora" run budget-list.yaml --out budget-list.h5 --quiet
if mpi 3 "$agora" run budget-file.yaml --out budget-file.h5 --quiet &&
   same budget-list.h5 budget-file.h5 && ! same list.h5 budget-file.h5; then
  pass "budgets from a file equal the inline list (and bind)"
else
  fail "budgets from a file"
fi
for market in scored plain aigc; do
  same_at_ranks "$market market: qualities from a file equal the inline list" \
    "$market-qlist" "$market-qfile"
done
mpi 2 "$agora" run file.yaml --out resumed.h5 --quiet --stop-after 3 2> /dev/null
if mpi 3 "$agora" run file.yaml --out resumed.h5 --quiet --resume resumed.ckpt.h5 &&
   same file-1.h5 resumed.h5; then
  pass "stopped at 2 ranks, resumed at 3: identical"
else
  fail "stop and resume with values from a file"
fi

# refused RANKS EXPECT ARGS...: one line with the scenario's location, exit 2, no output.
refused() {
  local p=$1 expect=$2; shift 2
  rm -f bad.h5 bad.h5.partial
  mpi "$p" "$agora" run file.yaml --out bad.h5 --quiet "$@" > out 2> err
  local rc=$? first
  first=$(head -1 err)
  # Agora's one line comes first; mpirun's notice after it names no key.
  if [ $rc != 0 ] && [ "$(grep -c -e 'population\.' -e 'probes\.' err)" = 1 ] &&
     [[ "$first" == *"$expect"* ]] && [ ! -e bad.h5 ] && [ ! -e bad.h5.partial ]; then
    pass "refused: $expect"
  else
    fail "refused ($expect): exit $rc: $first"
  fi
}
refused 1 "population.value.path: cannot read nowhere.h5: No such file" \
  --set population.value.path=nowhere.h5
refused 1 "population.value.path: not-hdf5.h5 is not an HDF5 file" \
  --set population.value.path=not-hdf5.h5
refused 3 "file.yaml:7:10: population.value: agent 700 has -0.5 in values.h5" \
  --set population.value.dataset=negative
refused 1 "population.value.dataset: values.h5 has no dataset 'nothing'" \
  --set population.value.dataset=nothing
refused 2 "'short' in values.h5 has shape [999] but there are 1000 agents" \
  --set population.value.dataset=short
refused 1 "'words' in values.h5 holds no numbers" --set population.value.dataset=words
refused 3 "population.quality: agent 400 has 0 in values.h5: quality must be positive" \
  --set 'population.quality={dist: file, path: values.h5, dataset: zero_quality}'
refused 1 "probes.auctions: probes read every participant's value" --set 'probes={auctions: 2}'
# `agora check` opens the files too: what a run would refuse for the file, its
# dataset or its shape, check refuses with the same line (the numbers
# themselves are read by runs only).
check_refuses() {
  local expect=$1; shift
  local out rc
  out=$("$agora" check file.yaml "$@" 2>&1 > /dev/null)
  rc=$?
  if [ $rc = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [[ $out == *"$expect"* ]]; then
    pass "check refuses: $expect"
  else
    fail "check ($expect): exit $rc: $out"
  fi
}
check_refuses "population.value.path: cannot read nowhere.h5: No such file" \
  --set population.value.path=nowhere.h5
check_refuses "population.value.dataset: values.h5 has no dataset 'nothing'" \
  --set population.value.dataset=nothing
check_refuses "'short' in values.h5 has shape [999] but there are 1000 agents" \
  --set population.value.dataset=short
"$agora" check file.yaml > /dev/null 2>&1 && pass "check accepts the readable file" ||
  fail "check refuses the readable file"
# The exit code under mpirun is mpirun's; at one rank it is agora's own.
"$agora" run file.yaml --out bad.h5 --quiet --set population.value.dataset=short 2> /dev/null
rc=$?
[ $rc = 2 ] && pass "bad input exits 2" || fail "bad input exits $rc, not 2"
summary
