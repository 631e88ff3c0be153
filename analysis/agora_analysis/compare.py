"""`compare`: one row per configuration, mean ± confidence interval over replicates.

Each run is reduced to one number per metric (reduce.py: mean over rounds, total
or final); runs are grouped into configurations by the scenario keys that vary
(grouping.py); each configuration's replicate values give a mean and a Student-t
interval (stats.py).
"""
from dataclasses import dataclass

from . import table
from .errors import UsageError
from .grouping import group_runs
from .numbers import fmt_estimate
from .reduce import run_value, STATS
from .scenario import format_value
from .stats import mean_ci

DEFAULT_METRICS = ("welfare", "revenue", "clicks", "mean_cpc")


@dataclass
class Row:
    configuration: object          # grouping.Configuration
    values: dict                   # metric -> [per-run value]
    estimates: dict                # metric -> stats.Estimate


@dataclass
class Comparison:
    varied: list
    metrics: list
    units: dict
    stat: str
    level: float
    rows: list


def choose_metrics(runs, wanted=None):
    """The metrics to show: `wanted` (checked against every run), 'all', or the defaults."""
    common = [m for m in runs[0].metric_names if all(m in r.metric_names for r in runs[1:])]
    if not common:
        # Each family writes its own metrics: a GSP run and a fishery share none.
        other = next(r for r in runs[1:] if not set(r.metric_names) & set(runs[0].metric_names))
        raise UsageError(f"{other.path}: no metric in common with {runs[0].path} "
                         "(runs of different families? compare runs of one family)")
    if not wanted:
        return [m for m in DEFAULT_METRICS if m in common] or common
    if list(wanted) == ["all"]:
        return common
    for m in wanted:
        if m not in common:
            raise UsageError(f"metric {m!r} is not in every run (common metrics: "
                             f"{', '.join(common)})")
    return list(wanted)


def compare(runs, metrics=None, stat="mean", level=0.95):
    """The Comparison of `runs` (a list of Run) over `metrics`."""
    if stat not in STATS:
        raise UsageError(f"unknown statistic {stat!r} (one of: {', '.join(STATS)})")
    metrics = choose_metrics(runs, metrics)
    varied, configurations = group_runs(runs)
    rows = []
    for conf in configurations:
        values = {m: [run_value(r, m, stat) for r in conf.runs] for m in metrics}
        rows.append(Row(conf, values, {m: mean_ci(v, level) for m, v in values.items()}))
    units = {m: runs[0].units(m) for m in metrics}
    return Comparison(varied, metrics, units, stat, level, rows)


def render_comparison(c, fmt="text"):
    """The comparison as a table: text and Markdown write 'mean ± half-width' in
    one cell; CSV gives mean and half-width their own columns, as numbers."""
    keys = c.varied or ["configuration"]

    def key_cells(row):
        if not c.varied:
            return [row.configuration.label()]
        return [format_value(row.configuration.values[k]) for k in c.varied]

    if fmt == "csv":
        headers = keys + ["runs"]
        for m in c.metrics:
            headers += [f"{m}_{c.stat}", f"{m}_ci{c.level * 100:g}"]
        rows = []
        for row in c.rows:
            cells = key_cells(row) + [row.estimates[c.metrics[0]].n]
            for m in c.metrics:
                cells += [row.estimates[m].mean, row.estimates[m].half_width]
            rows.append(cells)
        return table.render_csv(headers, rows)
    headers = keys + ["runs"] + [f"{m} [{c.units[m]}]" if c.units[m] else m for m in c.metrics]
    rows = [key_cells(row) + [str(row.estimates[c.metrics[0]].n)]
            + [fmt_estimate(row.estimates[m].mean, row.estimates[m].half_width)
               for m in c.metrics] for row in c.rows]
    numeric = set(range(len(keys), len(headers)))
    note = f"{c.stat} of each run over its rounds" if c.stat == "mean" else f"{c.stat} of each run"
    if any(row.estimates[c.metrics[0]].n > 1 for row in c.rows):
        note += (f"; mean ± {c.level * 100:g}% confidence interval (Student t) over the "
                 "runs of each configuration (runs differing only in seed)")
    else:
        note += "; one run per configuration, so no confidence interval"
    body = table.render(headers, rows, fmt, numeric)
    return (f"{note}\n\n{body}" if fmt == "markdown" else f"{body}{note}\n")
