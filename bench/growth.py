#!/usr/bin/python3
"""Cost growth of one agora scenario: the round loop at a base population and at
FACTOR times it (default 10), each at 1 and 2 ranks (or --ranks), runs alternating
so that machine drift hits every case alike, median of --repeats. Prints a
Markdown table (size, ranks, round-loop seconds, agora's own throughput, time
growth against the base size at the same ranks, speed-up against 1 rank at the
same size, peak MiB per rank) with the date, the command and `uptime` before
and after, ready to paste into BENCHMARKS.md.

The population is set by one or more KEY=BASE pairs (--key), all multiplied by
the factor together (KEY=/BASE divides instead: a per-head rate, such as a
commons effort fraction, that must shrink for the economy to stay the same): e.g. population.agents for the position and AIGC markets,
population.instances (committees) or population.agents (scale: giant) for
facility location, requests.per_round (or resources.count) for cloud auctions,
commons.pools (villages) or commons.harvesters_per_pool (global pool) for
commons. --set passes further overrides (rounds=... to keep the big case short).

A peer baseline, where one exists, runs once per repeat and size with --peer, a
command in which {size} stands for the first key's value and {peers} for the
shared peers folder; its rate is read with --peer-rate (a regex whose group 1 is
the rate in the same unit as agora's throughput line) and the table gains a
"x peer" column.

usage: bench/growth.py SCENARIO --key KEY=BASE [--key KEY=BASE ...] [--factor 10]
         [--ranks 1 2] [--repeats 3] [--set K=V ...] [--agora build/agora]
         [--peer CMD --peer-rate REGEX]
"""
import argparse
import datetime
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(ROOT, "..", "shared", "peers")

# agora's summary: "wall 0.66 s (rounds 0.39 s, 2.58e+06 bid evaluations/s)"
# and "memory 86.4 MiB peak on the largest rank".
LOOP = re.compile(r"\(rounds ([0-9.]+) s, ([0-9.e+-]+) ([^)]*?)/s\)")
MEMORY = re.compile(r"memory\s+([0-9.]+) MiB")


def number(text):
    """A key's base value as written (1e6, 3553): an exact integer when it is one,
    so the --set value stays a count agora accepts."""
    v = float(text)
    return int(v) if v == int(v) else v


def mpirun(ranks):
    return ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", str(ranks)]


def run_agora(args, sets, ranks, out):
    cmd = mpirun(ranks) + [args.agora, "run", args.scenario]
    for s in sets:
        cmd += ["--set", s]
    cmd += ["--out", out]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    loop = LOOP.search(done.stdout)
    mem = MEMORY.search(done.stdout)
    if done.returncode != 0 or not loop or not mem:
        sys.exit(f"growth.py: {' '.join(map(shlex.quote, cmd))} failed "
                 f"(exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return float(loop.group(1)), float(loop.group(2)), loop.group(3), float(mem.group(1))


def run_peer(args, size):
    cmd = args.peer.format(size=size, peers=os.path.normpath(PEERS))
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=args.timeout)
    m = re.search(args.peer_rate, done.stdout)
    if done.returncode != 0 or not m:
        sys.exit(f"growth.py: peer `{cmd}` failed (exit {done.returncode}):\n"
                 f"{done.stdout}{done.stderr}")
    return float(m.group(1))


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def show(v):
    return f"{v:g}" if isinstance(v, float) else f"{v:,}".replace(",", " ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--key", action="append", required=True, metavar="KEY=BASE",
                    help="population key and its base value; repeat to scale several together")
    ap.add_argument("--factor", type=float, default=10)
    ap.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--set", action="append", default=[], metavar="K=V", dest="sets")
    ap.add_argument("--agora", default=os.path.join(ROOT, "build", "agora"))
    ap.add_argument("--peer", help="peer command; {size} = first key's value, {peers} = peers/")
    ap.add_argument("--peer-rate", default=r"_per_s=([0-9.e+-]+)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per run")
    args = ap.parse_args()

    keys = []
    for k in args.key:
        name, _, base = k.partition("=")
        inverse = base.startswith("/")  # a per-head rate that must shrink as heads grow
        if not base.lstrip("/"):
            ap.error(f"--key {k}: expected KEY=BASE or KEY=/BASE")
        keys.append((name, number(base.lstrip("/")), inverse))
    sizes = [[(n, b) for n, b, _ in keys],
             [(n, number(repr(b / args.factor if inv else b * args.factor)))
              for n, b, inv in keys]]
    cases = [(s, p) for s in range(len(sizes)) for p in args.ranks]

    print(f"command: bench/growth.py {' '.join(map(shlex.quote, sys.argv[1:]))}")
    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"uptime before: {uptime()}", flush=True)
    got = {c: [] for c in cases}
    peer = {s: [] for s in range(len(sizes))}
    unit = None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "growth.h5")
        for _ in range(args.repeats):
            for s, p in cases:  # alternate: every case once per repeat
                sets = args.sets + [f"{n}={v}" for n, v in sizes[s]]
                loop, rate, unit, mib = run_agora(args, sets, p, out)
                got[(s, p)].append((loop, rate, mib))
            if args.peer:
                for s in range(len(sizes)):
                    peer[s].append(run_peer(args, sizes[s][0][1]))
    print(f"uptime after: {uptime()}")
    print()

    med = {c: tuple(statistics.median(r[i] for r in got[c]) for i in range(3)) for c in cases}
    head = ["size", "ranks", "round loop s", f"{unit}/s", "time x base size",
            f"speed-up x {args.ranks[0]} rank"]
    if args.peer:
        head.append("x peer")
    head.append("peak MiB/rank")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for s in range(len(sizes)):
        if args.peer:
            rate = statistics.median(peer[s])
            cells = [", ".join(f"{n}={show(v)}" for n, v in sizes[s]), "peer", "",
                     f"{rate:.3g}", "", "", "1", ""]
            print("| " + " | ".join(cells) + " |")
        for p in args.ranks:
            loop, rate, mib = med[(s, p)]
            growth = loop / med[(0, p)][0]
            speedup = med[(s, args.ranks[0])][0] / loop
            cells = [", ".join(f"{n}={show(v)}" for n, v in sizes[s]), str(p), f"{loop:.3g}",
                     f"{rate:.3g}", "1" if s == 0 else f"{growth:.2f}",
                     "1" if p == args.ranks[0] else f"{speedup:.2f}"]
            if args.peer:
                cells.append(f"{rate / statistics.median(peer[s]):.2f}")
            cells.append(f"{mib:.0f}")
            print("| " + " | ".join(cells) + " |")
    print(f"\nmedian of {args.repeats} alternating runs; time x base size = round-loop seconds "
          f"over the base size's at the same ranks (x{show(args.factor)} population: "
          f"{show(args.factor)} means linear); speed-up = {args.ranks[0]}-rank seconds over "
          f"these at the same size.")


if __name__ == "__main__":
    sys.exit(main())
