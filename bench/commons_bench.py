#!/usr/bin/python3
"""Commons benchmark (issue 8): pool-rounds per second of the villages mode
(bench/commons_villages.yaml: 1e6 villages x 10 harvesters x 20 rounds, every
village alive, Fermi imitation each round) at 1 and 2 ranks, alternating runs so
that machine drift hits both alike. Pool-rounds per second = pools x rounds /
seconds of the round loop (agora's own rate line). Also prints the whole-process
wall time and the peak memory of the largest rank.

usage: bench/commons_bench.py [--agora build/agora] [--repeats 3] [--set KEY=VALUE ...]
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def mpirun(n):
    flags = ["--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    return ["mpirun", *flags, "-n", str(n)]


def run(agora, ranks, out, sets):
    cmd = mpirun(ranks) + [agora, "run", os.path.join(HERE, "commons_villages.yaml"),
                           "--out", out]
    for s in sets:
        cmd += ["--set", s]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"([0-9.e+]+) pool-rounds/s", text).group(1))
    wall = float(re.search(r"wall\s+([0-9.]+) s", text).group(1))
    mem = float(re.search(r"memory\s+([0-9.]+) MiB", text).group(1))
    return rate, wall, mem


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agora", default=os.path.join(os.path.dirname(HERE), "build", "agora"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], dest="sets")
    a = ap.parse_args()
    results = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.repeats):
            for ranks in (1, 2):
                results[ranks].append(run(a.agora, ranks, os.path.join(tmp, f"v{ranks}.h5"),
                                          a.sets))
    for ranks, rows in results.items():
        rates = [x[0] for x in rows]
        print(f"ranks {ranks}: {statistics.median(rates):.3g} pool-rounds/s "
              f"(median of {len(rates)}: {', '.join(f'{x:.3g}' for x in rates)}), "
              f"wall {statistics.median(x[1] for x in rows):.2f} s, "
              f"peak {max(x[2] for x in rows):.0f} MiB per rank")


if __name__ == "__main__":
    main()
