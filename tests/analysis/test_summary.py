"""`summary`: the numbers it reports are the datasets' numbers."""
import h5py
import numpy as np
import pytest

import agora_analysis as aa


def test_summary_matches_the_datasets(gsp_file):
    with aa.open_run(gsp_file) as run, h5py.File(gsp_file, "r") as f:
        s = aa.summarize(run, agents=True)
        m = {x["name"]: x for x in s["metrics"]}
        floats = {k: ds for k, ds in f["metrics"].items() if ds.dtype.kind == "f"}
        assert set(m) == set(floats)
        for name, ds in floats.items():
            v = ds[()]
            assert m[name]["final"] == v[-1]
            assert m[name]["mean"] == pytest.approx(v.mean(), rel=1e-15)
            assert m[name]["units"] == ds.attrs["units"]
        rev, clicks = f["metrics/revenue"][()], f["metrics/clicks"][()]
        assert m["revenue"]["total"] == pytest.approx(rev.sum(), rel=1e-15)
        # A ratio's total is the ratio of totals; a cumulative count's is its last value.
        assert m["mean_cpc"]["total"] == pytest.approx(rev.sum() / clicks.sum(), rel=1e-15)
        assert m["budget_exhausted"]["total"] == f["metrics/budget_exhausted"][-1]
        assert s["rounds"] == 200 and s["snapshot_rounds"] == [49, 99, 149, 199]
        assert dict(s["digest"])["market"] == "2000 auctions x 10 bidders per round"
        value = {a["name"]: a for a in s["agents"]}["value"]
        full = f["agents/value"][-1]
        assert value["quantiles"][0.5] == np.median(full)
        assert value["min"] == full.min() and value["count"] == 20000


def test_summary_text(gsp_file, cli):
    done = cli("summary", gsp_file)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    with aa.open_run(gsp_file) as run:
        sc = run.scenario
        mechanism = (f"mechanism  gsp (slots {sc.get('mechanism.slots')}, reserve "
                     f"{sc.get('mechanism.reserve'):g}, clicks {sc.get('mechanism.clicks')})")
    with h5py.File(gsp_file, "r") as f:
        wall = f.attrs["wall_seconds"]
        welfare_total = f["metrics/welfare"][()].sum()
    for needle in (mechanism,
                   "agents     20000 (truthful 70%, shade x0.8 30%)",
                   "market     2000 auctions x 10 bidders per round",
                   "rounds     200", "seed       1", f"{wall:.3g} s",
                   "snapshots  4, after rounds 49, 99, 149, 199",
                   f"{welfare_total:.0f}"):
        assert needle in text, needle
