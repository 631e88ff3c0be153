#!/usr/bin/python3
"""Checks a commons run's last `gini` metric against the Gini recomputed here
from /harvesters/gain (the cumulative gains after the last round): for villages
the mean over pools of each pool's Gini, for the global pool the Gini over all
harvesters. G = sum_i (2i - n - 1) x_(i) / (n sum x), 0 when sum x = 0.
usage: commons_gini_check.py OUTPUT.h5 HARVESTERS_PER_POOL"""
import sys

import h5py
import numpy as np


def gini(x):
    x = np.sort(np.asarray(x, dtype=float))
    n, s = len(x), x.sum()
    if n < 2 or s <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * x).sum() / (n * s))


with h5py.File(sys.argv[1], "r") as f:
    gains = f["harvesters/gain"][:]
    metric = float(f["metrics/gini"][-1])
per_pool = int(sys.argv[2])
expected = float(np.mean([gini(p) for p in gains.reshape(-1, per_pool)]))
if abs(metric - expected) > 1e-9:
    print(f"FAIL gini: metric {metric!r}, recomputed {expected!r}")
    sys.exit(1)
print(f"PASS gini: metric {metric:.12g} equals the Gini recomputed from the gains")
