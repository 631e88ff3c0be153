"""Lazy agent snapshots: quantiles, samples and histograms read block by block
equal numpy's results on the full row, and never read more than a block at once."""
import h5py
import numpy as np
import pytest

import agora_analysis as aa
from agora_analysis.agents import AgentField

QS = [0, 0.001, 0.1, 0.25, 0.5, 0.77, 0.9, 0.999, 1]


class RecordingDataset:
    """Stands in for an h5py dataset and records the width of every read."""

    def __init__(self, ds):
        self.ds, self.shape, self.chunks, self.attrs = ds, ds.shape, ds.chunks, ds.attrs
        self.name = ds.name
        self.widths = []

    def __getitem__(self, key):
        k, cols = key
        self.widths.append(cols.stop - cols.start)
        return self.ds[k, cols]


@pytest.mark.parametrize("name", ["value", "spend", "bid", "clicks", "budget_left"])
def test_chunked_quantile_equals_numpy(gsp_file, name):
    with h5py.File(gsp_file, "r") as f:
        ds = RecordingDataset(f["agents"][name])
        full = f["agents"][name][-1]
        field = AgentField(ds, -1, block=1000)
        # gather=100 forces the radix passes (20,000 values, at most 100 gathered).
        got = field.quantile(QS, gather=100)
        np.testing.assert_array_equal(got, np.quantile(full, QS))
        assert field.quantile(0.5, gather=100) == np.median(full)
        assert max(ds.widths) == 1000


def test_group_subset_quantile_and_ranges(gsp_file):
    with aa.open_run(gsp_file) as run, h5py.File(gsp_file, "r") as f:
        group = f["population/group"][()]
        assert run.group_range(0) == (0, 14000)      # share 0.7 of 20,000
        assert run.group_range(1) == (14000, 20000)
        np.testing.assert_array_equal(group[:14000], 0)
        np.testing.assert_array_equal(group[14000:], 1)
        shade = run.agents("bid", snapshot=0, group=1, block=512)
        full = f["agents/bid"][0, 14000:]
        assert len(shade) == 6000
        np.testing.assert_array_equal(shade.quantile(QS, gather=64), np.quantile(full, QS))
        with pytest.raises(aa.UsageError, match="no behaviour group 2"):
            run.group_range(2)


def test_sample_reads_only_the_blocks_it_needs(gsp_file):
    with h5py.File(gsp_file, "r") as f:
        ds = RecordingDataset(f["agents/value"])
        full = f["agents/value"][-1]
        field = AgentField(ds, -1, block=1000)
        ids, values = field.sample(3, seed=5)
        np.testing.assert_array_equal(values, full[ids])
        assert len(ds.widths) <= 3 and max(ds.widths) == 1000
        ids, values = field.sample(2500, seed=1)
        assert len(set(ids)) == 2500
        np.testing.assert_array_equal(values, full[ids])


def test_histogram_and_stats_equal_numpy(gsp_file):
    with h5py.File(gsp_file, "r") as f:
        full = f["agents/utility"][2]
        field = AgentField(f["agents/utility"], 2, block=3000)
        counts, edges, nonfinite = field.histogram(bins=40)
        ref_counts, ref_edges = np.histogram(full, bins=40)
        np.testing.assert_array_equal(counts, ref_counts)
        np.testing.assert_allclose(edges, ref_edges, rtol=1e-15)
        assert nonfinite == 0
        s = field.stats()
        assert s["count"] == 20000 and s["min"] == full.min() and s["max"] == full.max()
        assert s["mean"] == pytest.approx(full.mean(), rel=1e-12)


def test_infinite_budgets(unbudgeted_file):
    with aa.open_run(unbudgeted_file) as run:
        field = run.agents("budget_left")
        assert field.stats()["nonfinite"] == len(field) == 20000
        # numpy 1.24 answers nan here (inf - inf in its interpolation); inf is meant.
        assert field.quantile(0.5) == np.inf
        assert run.scenario.get("population.budget") is None


def test_bad_snapshot_and_field(gsp_file):
    with aa.open_run(gsp_file) as run:
        with pytest.raises(aa.UsageError, match="snapshot 4 out of range"):
            run.agents("value", 4)
        with pytest.raises(aa.UsageError, match="no agent field 'wealth'"):
            run.agents("wealth")
        assert len(run.agents("value", -4)) == 20000
