#!/usr/bin/python3
"""Standard GSP benchmark: agora at 1 and 2 ranks side by side with the NumPy peer
(../shared/peers/peer_gsp.py) on the same sizes, in one invocation, alternating
runs so that machine drift hits all three alike. Prints bid evaluations per second
(auctions x bidders x rounds / seconds of the round loop), the ratio to the peer,
and agora's whole-process wall time and peak memory per rank.

usage: bench/gsp_bench.py [--agora build/agora] [--repeats 3] [--peer PATH]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def mpirun(n):
    flags = ["--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    return ["mpirun", *flags, "-n", str(n)]


def run_agora(agora, ranks, out):
    cmd = mpirun(ranks) + [agora, "run", os.path.join(HERE, "gsp_standard.yaml"), "--out", out]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"([0-9.e+]+) bid evaluations/s", text).group(1))
    wall = float(re.search(r"wall\s+([0-9.]+) s", text).group(1))
    mem = float(re.search(r"memory\s+([0-9.]+) MiB", text).group(1))
    return rate, wall, mem


def run_peer(peer):
    # Same sizes as gsp_standard.yaml: agents auctions bidders slots rounds.
    cmd = ["/usr/bin/python3", peer, "1000000", "10000", "50", "10", "20"]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"bid_evals_per_s=([0-9.e+]+)", text).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agora", default=os.path.join(ROOT, "build", "agora"))
    ap.add_argument("--peer", default=os.path.join(ROOT, "..", "shared", "peers", "peer_gsp.py"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    results = {"peer": [], 1: [], 2: []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            results["peer"].append(run_peer(args.peer))
            for ranks in (1, 2):
                results[ranks].append(run_agora(args.agora, ranks, os.path.join(tmp, "o.h5")))
    peer = statistics.median(results["peer"])
    print(f"standard GSP: 1e6 agents, 1e4 auctions x 50 bidders, 10 slots, 20 rounds; "
          f"median of {args.repeats}")
    print(f"{'':14}{'bid evals/s':>14}{'x peer':>9}{'wall s':>9}{'MiB/rank':>10}")
    print(f"{'numpy peer':14}{peer:14.3e}{1.0:9.2f}{'':>9}{'':>10}")
    for ranks in (1, 2):
        rate = statistics.median(r[0] for r in results[ranks])
        wall = statistics.median(r[1] for r in results[ranks])
        mem = max(r[2] for r in results[ranks])
        print(f"{f'agora {ranks} rank':14}{rate:14.3e}{rate / peer:9.2f}{wall:9.2f}{mem:10.1f}")


if __name__ == "__main__":
    sys.exit(main())
