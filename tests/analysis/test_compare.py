"""`compare`: configurations found from the resolved scenarios, and mean ± CI over
replicates computed from the per-run numbers."""
import csv
import io

import numpy as np
import pytest

import agora_analysis as aa
from agora_analysis.grouping import group_runs, varied_keys
from agora_analysis.scenario import Scenario
from agora_analysis.tdist import t_quantile


class FakeRun:
    def __init__(self, text, label="r"):
        self.scenario, self.label = Scenario(text), label


def test_varied_keys_ignore_seed_and_output():
    base = ("seed: {s}\nmechanism: {{name: {m}, ctr: [0.3, 0.2]}}\n"
            "output: {{path: {p}, checkpoint: {p}.ckpt, compress: {s}}}\n")
    runs = [FakeRun(base.format(s=1, m="gsp", p="a.h5")),
            FakeRun(base.format(s=2, m="gsp", p="b.h5")),
            FakeRun(base.format(s=1, m="vcg", p="c.h5"))]
    keys, confs = group_runs(runs)
    assert keys == ["mechanism.name"]
    assert [len(c.runs) for c in confs] == [2, 1]
    assert confs[1].label() == "mechanism.name=vcg"
    # A key only some runs have (an optional budget) varies too; lists are one value.
    more = runs + [FakeRun("seed: 1\nmechanism: {name: gsp, ctr: [0.3, 0.1]}\n"
                           "population: {budget: 5}\n")]
    assert varied_keys(more) == ["mechanism.name", "mechanism.ctr", "population.budget"]


def test_replicates_mean_and_ci(run_dir):
    with aa.open_runs(run_dir) as runs:
        c = aa.compare(runs, ["revenue", "mean_cpc"], stat="mean")
        assert c.varied == ["mechanism.name"]
        assert [r.configuration.values["mechanism.name"] for r in c.rows] == ["gsp", "vcg"]
        t = t_quantile(0.975, 2)           # 4.3027: three replicates, two degrees of freedom
        assert t == pytest.approx(4.302652730, rel=1e-9)
        for row, mech in zip(c.rows, ("gsp", "vcg")):
            per_run = [r.metric("revenue").mean() for r in runs if r.label.startswith(mech)]
            e = row.estimates["revenue"]
            assert e.n == 3 and row.values["revenue"] == per_run
            assert e.mean == pytest.approx(np.mean(per_run), rel=1e-14)
            assert e.half_width == pytest.approx(t * np.std(per_run, ddof=1) / np.sqrt(3),
                                                 rel=1e-12)
        total = aa.compare(runs, ["clicks"], stat="total")
        gsp_clicks = [r.metric("clicks").sum() for r in runs[:3]]
        assert total.rows[0].estimates["clicks"].mean == pytest.approx(np.mean(gsp_clicks))


def test_formats(run_dir, cli):
    with aa.open_runs(run_dir) as runs:
        c = aa.compare(runs)
        rows = list(csv.DictReader(io.StringIO(aa.render_comparison(c, "csv"))))
        assert [r["mechanism.name"] for r in rows] == ["gsp", "vcg"]
        assert float(rows[1]["revenue_mean"]) == c.rows[1].estimates["revenue"].mean
        assert float(rows[1]["revenue_ci95"]) == c.rows[1].estimates["revenue"].half_width
        assert rows[0]["runs"] == "3"
        md = aa.render_comparison(c, "markdown").splitlines()
        table = [line for line in md if line.startswith("|")]
        assert len(table) == 4 and table[1].startswith("|---|---:|")
        assert "revenue [value units]" in table[0]
    done = cli("compare", run_dir, "--metric", "revenue")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["mechanism.name", "runs", "revenue", "[value", "units]"]
    assert lines[2].startswith("gsp") and " ± " in lines[2]


def test_one_configuration_is_labelled_all_runs(run_dir):
    with aa.open_runs(*(run_dir / f"gsp-s{s}.h5" for s in (1, 2))) as runs:
        c = aa.compare(runs, ["welfare"])
        assert c.varied == [] and len(c.rows) == 1
        assert "all runs" in aa.render_comparison(c)
        with pytest.raises(aa.UsageError, match="not in every run"):
            aa.compare(runs, ["wealth"])
