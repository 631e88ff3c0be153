#!/usr/bin/python3
"""AIGC pair CTRs given inline against the same matrix read from an HDF5 file.

The market of bench/engine_aigc.yaml (mnl, 20 bidders, 5 positions, 2000
auctions, 5 truthful rounds) with an explicit [agents, 5] pair-CTR matrix
instead of the quality x position generator. For each population size it runs
`agora run` with the matrix from a file at each rank count and, up to
--inline-max agents, with the same matrix written inline in the scenario; it
prints the round loop's seconds and the largest rank's peak memory (agora's own
`rounds` and `memory` lines), and checks with h5diff that both forms give the
same datasets.

usage: aigc_pair_file.py --agora build/agora [--agents 100000 1000000]
                         [--ranks 1 2] [--inline-max 100000] [--mpirun mpirun]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SLOTS = 5
MARKET = """seed: 7
rounds: 5
population:
  agents: {agents}
  value: {{dist: lognormal, mu: 0.0, sigma: 0.5}}
market:
  auctions: 2000
  bidders: 20
mechanism:
  name: aigc
  user_model: mnl
  slots: 5
  ctr: {{first: 0.3, decay: 0.8}}
  pair_ctr: {pair}
"""


def write_inputs(folder, agents):
    rng = np.random.default_rng(agents)
    pair = (rng.uniform(0.5, 1.5, (agents, 1)) * 0.3 * 0.8 ** np.arange(SLOTS)
            * rng.lognormal(-0.045, 0.3, (agents, SLOTS)))
    matrix = os.path.join(folder, f"pairs-{agents}.h5")
    with h5py.File(matrix, "w") as f:
        f["pair_ctr"] = pair
    file_yaml = os.path.join(folder, f"file-{agents}.yaml")
    with open(file_yaml, "w") as y:
        y.write(MARKET.format(agents=agents, pair=f"{{dist: file, path: {matrix}}}"))
    inline_yaml = os.path.join(folder, f"inline-{agents}.yaml")
    rows = "".join("\n    - [" + ", ".join(repr(float(c)) for c in r) + "]" for r in pair)
    with open(inline_yaml, "w") as y:
        y.write(MARKET.format(agents=agents, pair=rows))
    return file_yaml, inline_yaml


def run(args, ranks, yaml, out):
    cmd = [args.agora, "run", yaml, "--out", out]
    if ranks > 1:
        cmd = [args.mpirun, "--allow-run-as-root", "--oversubscribe", "-n", str(ranks)] + cmd
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rounds = float(re.search(r"rounds ([0-9.]+) s", text).group(1))
    memory = float(re.search(r"memory\s+([0-9.]+) MiB", text).group(1))
    return rounds, memory


def same(a, b):
    return all(subprocess.run(["h5diff", "-q", a, b, g, g], capture_output=True).returncode == 0
               for g in ("/metrics", "/agents", "/population"))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--agora", required=True)
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--agents", type=int, nargs="+", default=[100000, 1000000])
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--inline-max", type=int, default=100000)
    args = p.parse_args()
    print(f"{'agents':>8} {'ranks':>5} {'form':>6} {'rounds s':>9} {'peak MiB':>9}")
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for agents in args.agents:
            file_yaml, inline_yaml = write_inputs(folder, agents)
            forms = [("file", file_yaml)]
            if agents <= args.inline_max:
                forms.append(("inline", inline_yaml))
            for ranks in args.ranks:
                outs = []
                for form, yaml in forms:
                    out = os.path.join(folder, f"{form}-{agents}-{ranks}.h5")
                    rounds, memory = run(args, ranks, yaml, out)
                    outs.append(out)
                    print(f"{agents:>8} {ranks:>5} {form:>6} {rounds:>9.3f} {memory:>9.1f}")
                if len(outs) == 2 and not same(*outs):
                    print(f"  file and inline differ at {agents} agents, {ranks} ranks")
                    ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
