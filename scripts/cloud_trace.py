#!/usr/bin/env python3
"""Writes a synthetic task_events CSV in the Google cluster-data 2011 layout, for
the cloud family's trace loader (requests.trace; sim/cloud_trace.h).

Columns (no header): time, missing info, job ID, task index, machine ID, event
type, user, scheduling class, priority, CPU request, memory request, disk
request, different-machine constraint. Besides SUBMIT events (type 0) the file
holds SCHEDULE/FINISH events (types 1 and 4) and SUBMITs with the CPU or memory
request missing, as the real trace does; the loader must skip them all.

Real trace parts (gzipped CSV files from the clusterdata-2011-2 bucket,
task_events/part-00000-of-00500.csv.gz) can be used instead: gunzip one and
point requests.trace at it.

usage: cloud_trace.py OUT.csv [--tasks N] [--seed S]
"""
import argparse
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--tasks", type=int, default=500, help="SUBMIT events with requests")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    time = 600_000_000  # microseconds; the 2011 trace starts at 600 s
    written = 0
    job = 6_000_000_000
    with open(a.out, "w") as f:
        while written < a.tasks:
            job += 1
            tasks = rng.randint(1, 8)
            user = "user%03d" % rng.randint(0, 99)
            klass = rng.randint(0, 3)
            prio = rng.choice([0, 1, 2, 4, 9, 10, 11])
            for t in range(tasks):
                if written >= a.tasks:
                    break
                time += rng.randint(0, 2_000_000)
                cpu = round(rng.uniform(0.005, 0.25), 5)
                mem = round(rng.uniform(0.002, 0.2), 5)
                disk = round(rng.uniform(0.0, 0.01), 6)
                if rng.random() < 0.05:  # a SUBMIT with the requests missing
                    f.write(f"{time},,{job},{t},,0,{user},{klass},{prio},,,,0\n")
                f.write(f"{time},,{job},{t},,0,{user},{klass},{prio},{cpu},{mem},{disk},"
                        f"{rng.randint(0, 1)}\n")
                written += 1
                machine = rng.randint(1, 10_000)
                f.write(f"{time + 1},,{job},{t},{machine},1,{user},{klass},{prio},{cpu},{mem},"
                        f"{disk},0\n")
                if rng.random() < 0.5:
                    f.write(f"{time + 5_000_000},,{job},{t},{machine},4,{user},{klass},{prio},"
                            f"{cpu},{mem},{disk},0\n")


if __name__ == "__main__":
    main()
