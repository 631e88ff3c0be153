"""One number per run and metric: the mean over rounds, the run's total, or the final round.

"Total" follows what each metric is (see layout.py): per-round sums add up,
a cumulative count (budget_exhausted) is its last value, a maximum (ic_max_gain)
is the largest round's, and a ratio (mean_cpc, ctr_realised) is the ratio of the
totals (total revenue / total clicks), not a sum of ratios.
"""
import numpy as np

from . import layout

STATS = ("mean", "total", "final")


def run_value(run, metric, stat="mean"):
    """The run's `stat` of `metric` as a float."""
    if stat == "mean":
        return float(np.mean(run.metric(metric)))
    if stat == "final":
        return float(run.metric(metric)[-1])
    if stat == "total":
        if metric in layout.CUMULATIVE:
            return float(run.metric(metric)[-1])
        if metric in layout.MAXIMA:
            return float(np.max(run.metric(metric)))
        if metric in layout.RATIOS:
            num, den = layout.RATIOS[metric]
            den_total = float(np.sum(run.metric(den)))
            # Same convention as the per-round metric: 0 when there were no clicks.
            return float(np.sum(run.metric(num))) / den_total if den_total else 0.0
        return float(np.sum(run.metric(metric)))
    raise ValueError(f"unknown statistic {stat!r} (one of: {', '.join(STATS)})")
