#!/usr/bin/env bash
# AIGC pair CTRs read from an HDF5 file (`mechanism.pair_ctr: {dist: file, path,
# dataset}`, an [agents, slots] dataset): each rank reads its own agents' rows
# and owners answer them beside their bids, so no rank holds the whole matrix.
#  1. a run reading the matrix from a file equals one given the same matrix
#     inline (every dataset), at 1, 2 and 3 ranks: an mnl market with paced
#     learners, budgets and probes (routed round), one of truthful bidders only
#     (one rank: the blocked round), and a cascade market with continuation;
#     and without the matrix (the quality x position generator) it differs;
#  2. stopped at 2 ranks and resumed at 3, it equals the uninterrupted run;
#  3. bad input stops with one line naming the scenario's line and key, no
#     output: the wrong shape, a negative CTR (on the last rank of 3), a cascade
#     probability over 1 (on rank 2 of 3), a missing file, a distribution
#     instead of a file, and pair noise beside the matrix.
# usage: pair_ctr_file.sh AGORA MPIEXEC PYTHON
set -u
agora=$1 mpiexec=$2 python=$3
. "$(dirname "$0")/checks.sh"
in_scratch

"$python" - <<'PY' || { echo "FAIL writing the inputs"; exit 1; }
import h5py, numpy as np
rng = np.random.default_rng(17)
agents, slots = 300, 4
# Decreasing in the position, differing per ad: not separable as quality x ctr.
pair = rng.uniform(0.05, 0.6, (agents, 1)) * np.array([1.0, 0.7, 0.5, 0.3]) \
       * rng.uniform(0.8, 1.25, (agents, slots))
with h5py.File("pairs.h5", "w") as f:
    f["pair_ctr"] = pair
    f["flat"] = pair.reshape(-1)
    f["wide"] = np.hstack([pair, pair[:, :1]])
    neg = pair.copy(); neg[280, 2] = -0.1
    f["negative"] = neg
    over = pair.copy(); over[150, 0] = 1.5
    f["over_one"] = over
rows = "".join("    - [" + ", ".join(repr(float(c)) for c in r) + "]\n" for r in pair)
# Each market with "PAIR" where mechanism.pair_ctr goes.
markets = {
    "mnl": "seed: 4\nrounds: 6\nmarket: {auctions: 50, bidders: 8}\n"
           "mechanism:\n  name: aigc\n  user_model: mnl\n  slots: 4\n"
           "  ctr: [0.5, 0.4, 0.3, 0.2]\n  max_shown: 3\n  reserve: 0.1\nPAIR"
           "agents:\n  - {behaviour: truthful, share: 0.4}\n"
           "  - {behaviour: ucb, share: 0.3, levels: 8}\n"
           "  - {behaviour: exp3, share: 0.3, levels: 6, pacing: multiplier}\n"
           "probes: {auctions: 4, grid: 7}\n"
           "population:\n  agents: 300\n  value: {dist: lognormal, mu: 0.0, sigma: 0.5}\n"
           "  budget: {dist: uniform, low: 0.5, high: 3.0}\n",
    "truthful": "seed: 6\nrounds: 5\nmarket: {auctions: 40, bidders: 6}\n"
                "mechanism:\n  name: aigc\n  user_model: additive\n  slots: 4\n"
                "  ctr: [0.5, 0.4, 0.3, 0.2]\nPAIR"
                "population:\n  agents: 300\n  value: {dist: lognormal, mu: 0.0, sigma: 0.5}\n",
    "cascade": "seed: 8\nrounds: 5\nmarket: {auctions: 40, bidders: 7}\n"
               "mechanism:\n  name: aigc\n  user_model: cascade\n  slots: 4\n"
               "  ctr: [0.5, 0.4, 0.3, 0.2]\n  continuation: 0.8\nPAIR"
               "agents:\n  - {behaviour: truthful, share: 0.5}\n"
               "  - {behaviour: egreedy, share: 0.5, levels: 8}\n"
               "population:\n  agents: 300\n  value: {dist: uniform, low: 0.2, high: 2.0}\n",
}
for name, text in markets.items():
    with open(name + "-list.yaml", "w") as y:
        y.write(text.replace("PAIR", "  pair_ctr:\n" + rows))
    with open(name + "-file.yaml", "w") as y:
        y.write(text.replace("PAIR", "  pair_ctr: {dist: file, path: pairs.h5}\n"))
PY

for market in mnl truthful cascade; do
  same_at_ranks "$market market: pair CTRs from a file equal the inline matrix" \
    "$market-list" "$market-file"
done
# The comparisons above mean something only if the matrix changes the outcome.
sed '/pair_ctr/d' mnl-file.yaml > generator.yaml
if "$agora" run generator.yaml --out generator.h5 --quiet; then
  if same mnl-list.h5 generator.h5; then fail "the matrix changes nothing"; else pass "the matrix changes the outcome"; fi
else
  fail "the run without the matrix"
fi
mpi 2 "$agora" run mnl-file.yaml --out resumed.h5 --quiet --stop-after 3 2> /dev/null
if mpi 3 "$agora" run mnl-file.yaml --out resumed.h5 --quiet --resume resumed.ckpt.h5 &&
   same mnl-list.h5 resumed.h5; then
  pass "stopped at 2 ranks, resumed at 3: identical"
else
  fail "stop and resume with pair CTRs from a file"
fi

# refused RANKS SCENARIO EXPECT ARGS...: one line with the scenario's location
# and key first, a non-zero exit, no output.
refused() {
  local p=$1 yaml=$2 expect=$3; shift 3
  rm -f bad.h5 bad.h5.partial
  mpi "$p" "$agora" run "$yaml" --out bad.h5 --quiet "$@" > out 2> err
  local rc=$? first
  first=$(head -1 err)
  if [ $rc != 0 ] && [ "$(grep -c 'mechanism\.' err)" = 1 ] &&
     [[ "$first" == "$yaml:"*"$expect"* || "$first" == "--set "*"$expect"* ]] && [ ! -e bad.h5 ] && [ ! -e bad.h5.partial ]; then
    pass "refused: $expect"
  else
    fail "refused ($expect): exit $rc: $first"
  fi
}
refused 2 mnl-file.yaml "mechanism.pair_ctr.dataset: 'flat' in pairs.h5 has shape [1200] but there are 300 agents (give [300, 4])" \
  --set mechanism.pair_ctr.dataset=flat
refused 1 mnl-file.yaml "has shape [300, 5] but there are 300 agents" \
  --set mechanism.pair_ctr.dataset=wide
refused 3 mnl-file.yaml "mechanism.pair_ctr: agent 280, position 2 has -0.1 in pairs.h5: CTRs must be finite and not negative" \
  --set mechanism.pair_ctr.dataset=negative
refused 3 cascade-file.yaml "mechanism.pair_ctr: agent 150, position 0 has 1.5 in pairs.h5: a cascade click probability must be <= 1" \
  --set mechanism.pair_ctr.dataset=over_one
refused 1 mnl-file.yaml "mechanism.pair_ctr.path: cannot read nowhere.h5: No such file" \
  --set mechanism.pair_ctr.path=nowhere.h5
refused 1 mnl-file.yaml "mechanism.pair_ctr.dist: a matrix is a list of rows or {dist: file, path, dataset}" \
  --set 'mechanism.pair_ctr={dist: uniform, low: 0.1, high: 0.2}'
refused 1 mnl-file.yaml "mechanism.pair_ctr: an explicit matrix has no noise" \
  --set mechanism.pair_noise=0.2
summary
