"""`plot`: metric trajectories over rounds, and histograms of an agent field.

Figures are built on matplotlib's object API with the Agg canvas (no pyplot, no
window, no global state), so the same code runs in a terminal, under ctest and in
a notebook, and every function returns the Figure for the caller to inspect or
save. Axis labels carry the datasets' `units` attributes.
"""
import os

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .errors import UsageError
from .grouping import group_runs
from .stats import mean_band

BANDS = ("ci", "range", "none")
DEFAULT_SAMPLE = 1_000_000


def _figure(width, height):
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _label(name, units):
    return f"{name} [{units}]" if units else name


def smooth(y, window):
    """Mean of the last `window` rounds at each round from window-1 on (trailing,
    so a value never uses later rounds)."""
    if window <= 1:
        return y
    kernel = np.ones(window) / window
    return np.convolve(y, kernel, mode="valid")


def _title(runs, configurations):
    """What every plotted run shares, from the first run's scenario."""
    digest = dict(runs[0].scenario.digest())
    sources = {os.path.basename(str(r.attrs.get("source", ""))) for r in runs}
    parts = [sources.pop() if len(sources) == 1 else None,
             digest.get("mechanism", "?").split(" (")[0] if len(configurations) == 1 else None,
             f"{digest.get('agents', '?').split(' (')[0]} agents",
             digest.get("market")]
    return ", ".join(p for p in parts if p)


def plot_trajectories(runs, metrics=("welfare", "revenue"), band="ci", window=1,
                      level=0.95, title=None, size=(7.0, None)):
    """One panel per metric, one line per configuration (the mean over its
    replicates) with a band: the `level` confidence interval of the mean
    (band='ci'), the replicates' min-max (band='range'), or none.

    Returns the Figure; a configuration with one run gets no band."""
    if band not in BANDS:
        raise UsageError(f"unknown band {band!r} (one of: {', '.join(BANDS)})")
    if not metrics:
        raise UsageError("no metric to plot")
    for m in metrics:
        for run in runs:
            run.metric(m)  # raises UsageError naming the run that lacks it
    _, configurations = group_runs(runs)
    width, height = size
    fig = _figure(width, height or 1.0 + 2.2 * len(metrics))
    axes = fig.subplots(len(metrics), 1, sharex=True, squeeze=False)[:, 0]
    for ax, metric in zip(axes, metrics):
        for conf in configurations:
            length = min(r.rounds for r in conf.runs)
            curves = np.array([smooth(r.metric(metric)[:length], window) for r in conf.runs])
            x = np.arange(window - 1, length) if window > 1 else np.arange(length)
            label = _conf_label(conf, len(configurations))
            mean, half = mean_band(curves, level)
            (line,) = ax.plot(x, mean, lw=1.2, label=label)
            if band != "none" and len(conf.runs) > 1:
                lo, hi = ((mean - half, mean + half) if band == "ci"
                          else (curves.min(axis=0), curves.max(axis=0)))
                ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.25, lw=0)
        ax.set_ylabel(_label(metric, runs[0].units(metric)))
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("round" + (f" (mean of the last {window} rounds)" if window > 1 else ""))
    if len(configurations) > 1 or len(configurations[0].runs) > 1:
        note = {"ci": f"mean and {level * 100:g}% CI over seeds",
                "range": "mean and min-max over seeds", "none": "mean over seeds"}[band]
        axes[0].legend(title=note, fontsize="small", title_fontsize="small")
    fig.suptitle(title if title is not None else _title(runs, configurations), fontsize="medium")
    return fig


def _conf_label(conf, n_configurations):
    n = len(conf.runs)
    if n_configurations == 1 and n == 1:
        return conf.runs[0].label
    return f"{conf.label()} ({n} run{'s' if n != 1 else ''})"


def plot_histograms(runs, field, snapshot=-1, bins=50, sample=DEFAULT_SAMPLE,
                    by_group=False, density=False, log=False, title=None, size=(7.0, 4.0)):
    """Histogram of an agent field at snapshot index `snapshot`, one outline per
    run (and per behaviour group with by_group).

    A population of at most `sample` agents is counted exactly, block by block;
    a larger one through a uniform random sample of `sample` agents, read block by
    block too. Non-finite values (budget_left of agents without a budget) cannot be
    placed on the axis and are counted in the legend instead."""
    sources = []
    for run in runs:
        groups = _groups(run) if by_group else [(None, "")]
        for group, name in groups:
            f = run.agents(field, snapshot, group=group)
            label = (run.label if group is None else
                     name if len(runs) == 1 else f"{run.label}: {name}")
            sources.append((run, f, label))
    loaded = [_load(f, sample) for _, f, _ in sources]
    lo = min((d["min"] for d in loaded if d["finite"]), default=0.0)
    hi = max((d["max"] for d in loaded if d["finite"]), default=1.0)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    fig = _figure(*size)
    ax = fig.subplots()
    sampled = False
    for (run, f, label), d in zip(sources, loaded):
        if d["values"] is None:
            counts, _, nonfinite = f.histogram(bins, (lo, hi))
        else:
            v = d["values"]
            finite = np.isfinite(v)
            counts, nonfinite = np.histogram(v[finite], bins=edges)[0], int((~finite).sum())
            sampled = True
        total = counts.sum()
        heights = counts / (total * np.diff(edges)) if density and total else counts
        if nonfinite:
            label += f" (+{nonfinite} non-finite, not shown)"
        ax.stairs(heights, edges, label=label, lw=1.3)
    first = sources[0][1]
    rounds = runs[0].snapshot_rounds
    after = f" after round {int(rounds[first.snapshot])}" if len(rounds) > first.snapshot else ""
    ax.set_xlabel(_label(field, first.units) + f", snapshot {first.snapshot}{after}")
    ax.set_ylabel("density" if density else ("agents in sample" if sampled else "agents"))
    if log:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    if len(sources) > 1 or any(d["nonfinite"] for d in loaded):
        ax.legend(fontsize="small")
    note = f"; uniform sample of {sample:,} agents per run" if sampled else ""
    population = sum(len(f) for run, f, _ in sources if run is runs[0])
    fig.suptitle(title if title is not None else
                 f"{field} of {population:,} agents{note}", fontsize="medium")
    return fig


def _groups(run):
    specs = run.scenario.tree.get("agents") or [{}]
    return [(g, f"group {g} ({spec.get('behaviour', '?')})") for g, spec in enumerate(specs)]


def _load(field, sample):
    """Range of the finite values, and the sampled values when the range of agents
    is larger than `sample` (None: it will be counted exactly)."""
    if len(field) > sample:
        _, v = field.sample(sample)
        finite = v[np.isfinite(v)]
        return {"values": v, "finite": len(finite) > 0, "nonfinite": len(v) - len(finite),
                "min": float(finite.min()) if len(finite) else 0.0,
                "max": float(finite.max()) if len(finite) else 0.0}
    s = field.stats()
    return {"values": None, "finite": s["count"] > s["nonfinite"], "nonfinite": s["nonfinite"],
            "min": s["min"], "max": s["max"]}


def save(fig, path, dpi=100):
    """Writes the figure; the format follows the file name (png, pdf, svg)."""
    fig.savefig(path, dpi=dpi)
    return path
