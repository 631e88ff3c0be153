#!/usr/bin/env python3
"""Allocations per second of the cloud auction (family cloud) at the MOHAF
paper's size: scenarios/cloud_mohaf.yaml, 3,553 requests x 888 resources per
round. An allocation is one request decided (served or not) in one round:
allocations/s = requests per round x rounds / seconds of the round loop
(requests drawn, candidate pairs, the allocation, prices, exact sums and the
HDF5 metric rows; start-up excluded). Prints a Markdown table of medians.

usage: cloud_bench.py --agora build/agora [--repeats 3] [--ranks 1 2]
                      [--mechanisms mohaf greedy first_price random] [--rounds 10]
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, "..", "scenarios", "cloud_mohaf.yaml")


def run(agora, mech, ranks, rounds, out):
    cmd = [agora, "run", SCENARIO, "--set", f"mechanism.name={mech}", "--set",
           f"rounds={rounds}", "--out", out]
    if ranks > 1:
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", str(ranks)] + cmd
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"rounds ([0-9.]+) s, ([0-9.e+]+) allocations/s", text).group(2))
    mib = float(re.search(r"memory\s+([0-9.]+) MiB", text).group(1))
    eff = float(re.search(r"allocation_efficiency\s+([0-9.e+-]+)", text).group(1))
    return rate, mib, eff


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agora", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--mechanisms", nargs="+",
                    default=["mohaf", "greedy", "first_price", "random"])
    a = ap.parse_args()
    print("| mechanism | ranks | allocations/s (median) | peak MiB per rank | allocation_efficiency |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for mech in a.mechanisms:
            for p in a.ranks:
                got = [run(a.agora, mech, p, a.rounds, os.path.join(tmp, f"{mech}-{p}-{k}.h5"))
                       for k in range(a.repeats)]
                rate = statistics.median(g[0] for g in got)
                mib = max(g[1] for g in got)
                print(f"| {mech} | {p} | {rate:.3g} | {mib:.1f} | {got[0][2]:.4f} |", flush=True)


if __name__ == "__main__":
    main()
