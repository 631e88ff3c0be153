"""The issue-5 metrics through the analysis package: ctr_realised is a ratio
(its run total is total clicks / total slots filled), ic_max_gain a maximum (its
run total is the largest round's), and the probe metrics exist only with probes."""
import h5py
import numpy as np
import pytest

import agora_analysis as aa

from conftest import run_agora


@pytest.fixture(scope="module")
def probed_file(agora, tmp_path_factory):
    out = tmp_path_factory.mktemp("probed") / "probed.h5"
    return run_agora(agora, out, "--set", "rounds=50", "--set", "mechanism.reserve=0.3",
                     "--set", "probes={auctions: 4, grid: 11}")


def test_ratio_and_maximum_totals(probed_file):
    with aa.open_run(probed_file) as run, h5py.File(probed_file, "r") as f:
        clicks, shown = f["metrics/clicks"][()], f["metrics/slots_filled"][()]
        assert aa.run_value(run, "ctr_realised", "total") == pytest.approx(
            clicks.sum() / shown.sum(), rel=1e-15)
        np.testing.assert_allclose(f["metrics/ctr_realised"][()], clicks / shown, rtol=1e-15)
        gain = f["metrics/ic_max_gain"][()]
        assert aa.run_value(run, "ic_max_gain", "total") == gain.max()
        # GSP with shading: someone can gain by deviating in some round.
        assert gain.max() > 0
        assert (f["metrics/probed_participants"][()] == 4 * 10).all()
        assert f["metrics/reserve_hits"][()].sum() > 0


def test_probe_metrics_only_with_probes(gsp_file):
    with h5py.File(gsp_file, "r") as f:
        assert "ic_max_gain" not in f["metrics"] and "ads_shown" not in f["metrics"]
        assert "ctr_realised" in f["metrics"] and "reserve_hits" in f["metrics"]
