"""Means and confidence intervals over replicates (runs that differ only in seed).

The interval is the usual one for a mean of n independent replicates:
mean ± t(1 - alpha/2, n - 1) · s / sqrt(n), with s the sample standard
deviation (divisor n - 1). Example: values 1, 2, 3, 4 give mean 2.5,
s = 1.2910, t(0.975, 3) = 3.1824, half-width 3.1824 · 1.2910 / 2 = 2.0543.
"""
import math
from dataclasses import dataclass

import numpy as np

from .tdist import t_quantile


@dataclass
class Estimate:
    """A mean over n replicates and the half-width of its confidence interval
    (nan when n < 2: one run says nothing about the spread)."""
    mean: float
    half_width: float
    n: int
    level: float = 0.95

    @property
    def low(self):
        return self.mean - self.half_width

    @property
    def high(self):
        return self.mean + self.half_width


def t_half_width(sd, n, level=0.95):
    """Half-width of the level-confidence interval of a mean, given s and n."""
    if n < 2:
        return math.nan
    return t_quantile(0.5 + level / 2.0, n - 1) * sd / math.sqrt(n)


def mean_ci(values, level=0.95):
    """Mean and confidence half-width of a sequence of replicate values."""
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        raise ValueError("mean of no replicates")
    sd = float(np.std(x, ddof=1)) if x.size > 1 else math.nan
    return Estimate(float(np.mean(x)), t_half_width(sd, x.size, level), int(x.size), level)


def mean_band(curves, level=0.95):
    """Pointwise mean and half-width over replicate curves (rows of equal length):
    the band drawn around a trajectory."""
    y = np.asarray(curves, dtype=np.float64)
    mean = y.mean(axis=0)
    if y.shape[0] < 2:
        return mean, np.full_like(mean, np.nan)
    return mean, t_half_width(1.0, y.shape[0], level) * y.std(axis=0, ddof=1)
