#!/usr/bin/python3
"""End-to-end AIGC benchmark (issue 5): auctions per second of `agora run` on AIGC
markets with n bidders and m positions (n = 20, m = 5 and n = 100, m = 10; at most
m ads shown) under the additive, mnl and cascade user models, next to classic GSP
on the same market (same bidders, the position factors as slot CTRs, no quality
weighting). Auctions per second = auctions x rounds / seconds of the round loop
(participants, routing, bids, the user model's allocation and VCG payments,
settlement, metrics; start-up excluded), from agora's own rate line divided by n.
Runs alternate so that machine drift hits all configurations alike; medians.

usage: bench/engine_aigc_bench.py [--agora build/agora] [--repeats 3] [--ranks 1 2]
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = ((20, 5, 4000), (100, 10, 400))  # n, m, auctions per round (loops of ~1 s)
MODELS = ("gsp", "additive", "mnl", "cascade")


def mpirun(n):
    flags = ["--oversubscribe"] + (["--allow-run-as-root"] if os.geteuid() == 0 else [])
    return ["mpirun", *flags, "-n", str(n)]


def run(agora, ranks, n, m, auctions, model, out):
    sets = {"market.bidders": n, "mechanism.slots": m, "market.auctions": auctions}
    if model == "gsp":
        # Classic GSP on the same market: rank by bid, no AIGC keys.
        sets.update({"mechanism": "{name: gsp, slots: %d, ctr: {first: 0.3, decay: 0.8}}" % m})
        del sets["mechanism.slots"]
    else:
        sets.update({"mechanism.user_model": model, "mechanism.max_shown": m})
    args = [a for k, v in sets.items() for a in ("--set", f"{k}={v}")]
    cmd = mpirun(ranks) + [agora, "run", os.path.join(HERE, "engine_aigc.yaml"), "--out", out,
                           *args]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"([0-9.e+]+) bid evaluations/s", text).group(1))
    return rate / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agora", default="build/agora")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    a = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "b.h5")
        for _ in range(a.repeats):
            for n, m, auctions in SIZES:
                for model in MODELS:
                    for r in a.ranks:
                        key = (n, m, model, r)
                        results.setdefault(key, []).append(run(a.agora, r, n, m, auctions,
                                                               model, out))
    print("| n | m | model | " + " | ".join(f"auctions/s, {r} rank{'s' * (r > 1)}"
                                          for r in a.ranks) + " |")
    print("|---|---|---|" + "---|" * len(a.ranks))
    for n, m, _ in SIZES:
        for model in MODELS:
            cells = [f"{statistics.median(results[(n, m, model, r)]):.3g}" for r in a.ranks]
            print(f"| {n} | {m} | {model} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
