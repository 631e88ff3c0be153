"""`summary`: what one run was and what came out of it, in a screenful.

summarize() returns the numbers as a dict (for notebooks and tests);
render_summary() lays them out as text.
"""
from . import table
from .numbers import fmt_number
from .reduce import run_value


def summarize(run, agents=False, quantiles=(0.1, 0.5, 0.9)):
    """The run's digest, provenance and per-metric final/mean/total.

    With agents=True, also each agent field at the last snapshot: mean, min,
    max and the given quantiles, computed lazily (block by block)."""
    out = {
        "path": run.path,
        "digest": run.scenario.digest(),
        "provenance": run.provenance,
        "rounds": run.rounds,
        "metrics": [{"name": m, "units": run.units(m),
                     "final": run_value(run, m, "final"),
                     "mean": run_value(run, m, "mean"),
                     "total": run_value(run, m, "total")} for m in run.metric_names],
        "snapshot_rounds": [int(r) for r in run.snapshot_rounds],
        "agent_fields": run.agent_fields,
        "agents": [],
        "state_digest": None,
    }
    digest = run.state_digest
    if digest is not None and len(digest):
        out["state_digest"] = int(digest[-1])
    if agents and run.agent_fields:
        for name in run.agent_fields:
            field = run.agents(name, -1)
            stats = field.stats()
            out["agents"].append({"name": name, "units": field.units, **stats,
                                  "quantiles": dict(zip(quantiles, field.quantile(quantiles)))})
    return out


def render_summary(run, agents=False):
    s = summarize(run, agents)
    p = s["provenance"]
    ranks = p.get("ranks", "?")
    lines = [f"{s['path']}  (agora {p.get('version', '?')}, layout {p.get('layout_version')}, "
             f"{ranks} rank{'s' if ranks != 1 else ''})"]
    rows = [("source", p.get("source", "?"))] + s["digest"]
    wall = p.get("wall_seconds")
    rows.append(("wall time", (f"{wall:.3g} s" if isinstance(wall, float) else "?")
                 + f" (started {p.get('started', '?')}, finished {p.get('finished', '?')})"))
    if s["state_digest"] is not None:
        rows.append(("state", f"digest {s['state_digest']:#018x} after the last round"))
    snaps = s["snapshot_rounds"]
    if snaps:
        shown = ", ".join(map(str, snaps[:8])) + (", ..." if len(snaps) > 8 else "")
        rows.append(("snapshots", f"{len(snaps)}, after rounds {shown}: "
                     + ", ".join(s["agent_fields"])))
    elif run.scenario.get("family", "position") == "position":
        rows.append(("snapshots", "none"))
    width = max(len(k) for k, _ in rows)
    lines += [f"  {k.ljust(width)}  {v}" for k, v in rows]
    lines.append("")
    lines.append(f"Metrics over {s['rounds']} rounds (total: sum over rounds; cumulative "
                 "counts their last value, ratios the ratio of totals):")
    metric_rows = [(m["name"], m["units"], fmt_number(m["final"]), fmt_number(m["mean"]),
                    fmt_number(m["total"])) for m in s["metrics"]]
    lines.append(table.render_text(("metric", "units", "final", "mean", "total"),
                                   metric_rows, numeric={2, 3, 4}).rstrip("\n"))
    if s["agents"]:
        lines.append("")
        lines.append(f"Agents at the last snapshot (after round {snaps[-1]}; "
                     "quantiles exact, read block by block):")
        qs = list(s["agents"][0]["quantiles"])
        headers = ("field", "units", "mean", "min") + tuple(f"q{q:g}" for q in qs) + (
            "max", "non-finite")
        agent_rows = [(a["name"], a["units"], fmt_number(a["mean"]), fmt_number(a["min"]))
                      + tuple(fmt_number(a["quantiles"][q]) for q in qs)
                      + (fmt_number(a["max"]), str(a["nonfinite"])) for a in s["agents"]]
        lines.append(table.render_text(headers, agent_rows,
                                       numeric=set(range(2, len(headers)))).rstrip("\n"))
    return "\n".join(lines) + "\n"
