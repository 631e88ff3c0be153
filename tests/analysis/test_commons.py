"""The analysis toolkit on a commons-family output (scenarios/fishery.yaml, 12
months, about 0.05 s): every metric is read, and the cumulative ones (collapsed
pools, rounds survived) total to their last value, not to a sum over rounds."""
import pathlib
import subprocess

import h5py
import pytest

import agora_analysis as aa

FISHERY = pathlib.Path(__file__).resolve().parents[2] / "scenarios" / "fishery.yaml"


@pytest.fixture(scope="module")
def fishery_file(agora, tmp_path_factory):
    out = tmp_path_factory.mktemp("commons") / "fishery.h5"
    done = subprocess.run([agora, "run", str(FISHERY), "--out", str(out), "--quiet"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return out


def test_commons_metrics_and_totals(fishery_file):
    with aa.open_run(fishery_file) as run, h5py.File(fishery_file, "r") as f:
        m = {x["name"]: x for x in aa.summarize(run)["metrics"]}
        assert set(m) == {"stock", "total_harvest", "cooperator_fraction", "collapsed",
                          "survival_rounds", "gini", "over_usage"}
        for name in ("collapsed", "survival_rounds"):
            assert m[name]["total"] == f["metrics/" + name][-1]
        assert m["total_harvest"]["total"] == pytest.approx(f["metrics/total_harvest"][()].sum())


def test_compare_across_families_is_refused(fishery_file, gsp_file, cli):
    """A GSP run and a fishery share no metric: one line naming both files, exit
    2 (it was a traceback)."""
    done = cli("compare", gsp_file, fishery_file)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "no metric in common" in done.stderr and str(gsp_file) in done.stderr


def test_summary_describes_the_family(fishery_file, cli):
    """A commons run's summary names its family, pools and harvesters from the
    scenario (it printed 'mechanism ?' and 'agents ?', the position fields)."""
    done = cli("summary", fishery_file)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split(None, 1)[1] for line in done.stdout.splitlines()[1:8]
            if line.startswith("  ") and len(line.split()) > 1}
    assert rows["family"] == "commons"
    assert rows["pools"] == "1 x 5 harvesters (global, doubling regrowth)"
    assert rows["harvesters"] == "fixed_quota 20%, sustainable 40%, imitate_best 20%, defector 20%"
    assert "?" not in done.stdout.split("Metrics")[0]
    assert "snapshots" not in done.stdout
