"""`plot`: figures checked through matplotlib's objects (axes, lines, bands,
labels), and files checked to be real, non-empty PNGs."""
import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.patches import StepPatch

import agora_analysis as aa
from agora_analysis import plots

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_trajectories_two_configurations(run_dir, tmp_path):
    with aa.open_runs(run_dir) as runs:
        fig = aa.plot_trajectories(runs, ["revenue", "welfare"])
        axes = fig.get_axes()
        assert len(axes) == 2
        for ax, metric in zip(axes, ["revenue", "welfare"]):
            assert len(ax.get_lines()) == 2          # gsp, vcg: one mean line each
            assert len(_bands(ax)) == 2              # and a CI band each (3 seeds)
            assert ax.get_ylabel() == f"{metric} [value units]"
            x, y = ax.get_lines()[0].get_data()
            assert len(x) == 200
            gsp_mean = np.mean([r.metric(metric) for r in runs[:3]], axis=0)
            np.testing.assert_allclose(y, gsp_mean, rtol=1e-14)
        assert axes[-1].get_xlabel() == "round"
        labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
        assert labels == ["mechanism.name=gsp (3 runs)", "mechanism.name=vcg (3 runs)"]
        out = plots.save(fig, tmp_path / "t.png")
        data = out.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000


def test_trajectory_options(run_dir):
    with aa.open_run(run_dir / "gsp-s1.h5") as run:
        ax = aa.plot_trajectories([run], ["mean_cpc"], window=10).get_axes()[0]
        assert len(ax.get_lines()) == 1 and not _bands(ax) and ax.get_legend() is None
        x, y = ax.get_lines()[0].get_data()
        assert len(x) == 191 and x[0] == 9
        assert y[0] == pytest.approx(run.metric("mean_cpc")[:10].mean(), rel=1e-14)
        assert ax.get_ylabel() == "mean_cpc [value units per click]"
    with aa.open_runs(run_dir) as runs:
        fig = aa.plot_trajectories(runs, ["clicks"], band="none")
        assert not _bands(fig.get_axes()[0])
        with pytest.raises(aa.UsageError, match="no metric 'wealth'"):
            aa.plot_trajectories(runs, ["wealth"])


def _stairs(ax):
    return [p for p in ax.patches if isinstance(p, StepPatch)]


def test_histograms_exact_sampled_and_by_group(run_dir):
    with aa.open_runs(run_dir / "gsp-s1.h5", run_dir / "vcg-s1.h5") as runs:
        ax = aa.plot_histograms(runs, "spend", bins=30).get_axes()[0]
        steps = _stairs(ax)
        assert len(steps) == 2
        assert [s.get_data().values.sum() for s in steps] == [20000, 20000]
        assert ax.get_xlabel() == "spend [value units], snapshot 3 after round 199"
        assert ax.get_ylabel() == "agents"
        ax = aa.plot_histograms(runs, "value", snapshot=0, sample=500).get_axes()[0]
        assert [s.get_data().values.sum() for s in _stairs(ax)] == [500, 500]
        assert ax.get_ylabel() == "agents in sample"
        ax = aa.plot_histograms(runs[:1], "value", by_group=True).get_axes()[0]
        assert [s.get_data().values.sum() for s in _stairs(ax)] == [14000, 6000]
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "group 0 (truthful)", "group 1 (shade)"]


def test_cli_plot_writes_png(run_dir, tmp_path, cli):
    out = tmp_path / "r.png"
    done = cli("plot", run_dir, "--metric", "revenue", "-o", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(PNG_MAGIC)
    hist = tmp_path / "h.png"
    done = cli("plot", run_dir / "gsp-s1.h5", "--hist", "value", "--snapshot", "0", "-o", hist)
    assert done.returncode == 0, done.stderr
    assert hist.stat().st_size > 5_000


def test_agg_backend_is_enough():
    # Nothing here needs a display: figures are drawn on the Agg canvas directly.
    assert isinstance(plots._figure(2, 2).canvas,
                      matplotlib.backends.backend_agg.FigureCanvasAgg)
