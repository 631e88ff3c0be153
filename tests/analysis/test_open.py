"""Opening files: what a real run exposes, and the one-line refusals of files
that are not agora output or have another layout_version."""
import shutil

import h5py
import numpy as np
import pytest

import agora_analysis as aa
from agora_analysis.scenario import Scenario


def test_run_exposes_attrs_scenario_and_metrics(gsp_file):
    with aa.open_run(gsp_file) as run, h5py.File(gsp_file, "r") as f:
        assert run.attrs["format"] == "agora run"
        assert run.attrs["layout_version"] == 1
        assert run.seed == 1 and run.seed == f.attrs["seed"]
        assert run.wall_seconds == f.attrs["wall_seconds"] > 0
        assert set(run.provenance) >= {"version", "source", "ranks", "started", "finished"}
        assert run.scenario.text == f.attrs["scenario"]
        assert run.scenario.get("mechanism.name") == "gsp"
        assert run.scenario.get("population.agents") == 20000
        assert run.scenario.get("agents.1.factor") == 0.8
        assert run.rounds == 200
        assert run.metric_names[:3] == ["welfare", "revenue", "clicks"]
        floats = [k for k, ds in f["metrics"].items() if ds.dtype.kind == "f"]
        assert sorted(run.metric_names) == sorted(floats)
        for name in floats:
            got = run.metric(name)
            assert got.dtype == np.float64
            np.testing.assert_array_equal(got, f["metrics"][name][()])
        assert run.units("revenue") == "value units"
        assert run.units("agents/value") == "value units per click"
        np.testing.assert_array_equal(run.snapshot_rounds, [49, 99, 149, 199])
        # The default snapshot of this market (budgets, no Hedge learner) leaves out regret.
        assert run.agent_fields == ["bid", "budget_left", "clicks", "multiplier", "spend",
                                    "utility", "value"]


def test_state_digest_is_not_a_metric(gsp_file, tmp_path):
    # /metrics/state_digest (uint64, units "hash") identifies the state after each
    # round; it must stay out of means and totals but remain readable.
    path = tmp_path / "digest.h5"
    shutil.copy(gsp_file, path)
    with h5py.File(path, "r+") as f:
        if "state_digest" not in f["metrics"]:
            ds = f["metrics"].create_dataset("state_digest", data=np.arange(200, dtype=np.uint64)
                                             + np.uint64(2**63))
            ds.attrs["units"], ds.attrs["description"] = "hash", "digest"
        last = int(f["metrics/state_digest"][-1])
    with aa.open_run(path) as run:
        assert "state_digest" not in run.metric_names
        assert run.state_digest.dtype == np.uint64 and int(run.state_digest[-1]) == last
        assert run.series("state_digest").dtype == np.uint64
        with pytest.raises(aa.UsageError, match="not a quantity"):
            run.metric("state_digest")
        assert f"digest {last:#018x}" in aa.render_summary(run)


def test_checkpoint_is_refused_by_name(tmp_path):
    path = tmp_path / "run.ckpt.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "agora checkpoint"
        f.attrs["layout_version"] = np.int32(1)
    with pytest.raises(aa.NotAgoraFileError, match="an agora checkpoint"):
        aa.open_run(path)


def test_yaml_12_numbers_read_as_numbers():
    # agora writes %g numbers; YAML 1.1 (PyYAML) alone would read 1e-05 as a string.
    s = Scenario("seed: 3\nmechanism: {reserve: 1e-05, ctr: [2e+20, 0.5]}\n")
    assert s.get("mechanism.reserve") == 1e-05
    assert s.get("mechanism.ctr") == (2e20, 0.5)
    assert s.get("seed") == 3


def _one_line_error(exc_info, path):
    msg = str(exc_info.value)
    assert "\n" not in msg
    assert msg.startswith(str(path))
    return msg


def test_text_file_is_refused(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not hdf5\n")
    with pytest.raises(aa.NotAgoraFileError) as e:
        aa.open_run(path)
    assert "not an HDF5 file" in _one_line_error(e, path)


def test_hdf5_without_format_is_refused(tmp_path):
    path = tmp_path / "plain.h5"
    with h5py.File(path, "w") as f:
        f["metrics/revenue"] = [1.0, 2.0]
    with pytest.raises(aa.NotAgoraFileError) as e:
        aa.open_run(path)
    assert "not an agora output" in _one_line_error(e, path)


def test_other_format_is_refused(tmp_path):
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "something else"
        f.attrs["layout_version"] = np.int32(1)
    with pytest.raises(aa.NotAgoraFileError) as e:
        aa.open_run(path)
    assert "'something else'" in _one_line_error(e, path)


@pytest.mark.parametrize("version", [2, 0, None])
def test_wrong_layout_version_is_refused(gsp_file, tmp_path, version):
    path = tmp_path / "future.h5"
    shutil.copy(gsp_file, path)
    with h5py.File(path, "r+") as f:
        if version is None:
            del f.attrs["layout_version"]
        else:
            f.attrs["layout_version"] = np.int32(version)
    with pytest.raises(aa.IncompatibleLayoutError) as e:
        aa.open_run(path)
    msg = _one_line_error(e, path)
    assert "reads layout_version 1" in msg
    assert (f"layout_version {version}" if version is not None else "no layout_version") in msg


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(aa.NotAgoraFileError, match="no such file"):
        aa.open_run(tmp_path / "absent.h5")
    with pytest.raises(aa.NotAgoraFileError, match="is a directory"):
        aa.open_run(tmp_path)
    with pytest.raises(aa.AgoraFileError, match=r"no \*\.h5 files and no manifest.tsv"):
        aa.open_runs(tmp_path)


def test_cli_errors_are_one_line_and_exit_2(cli, gsp_file, tmp_path):
    plain = tmp_path / "plain.h5"
    with h5py.File(plain, "w") as f:
        f["x"] = [1]
    future = tmp_path / "future.h5"
    shutil.copy(gsp_file, future)
    with h5py.File(future, "r+") as f:
        f.attrs["layout_version"] = np.int32(2)
    for args, needle in (((("summary", plain)), "not an agora output"),
                         (("compare", gsp_file, future), "layout_version 2"),
                         (("plot", gsp_file, "--metric", "nope", "-o", tmp_path / "x.png"),
                          "no metric 'nope'")):
        done = cli(*args)
        assert done.returncode == 2
        assert done.stdout == ""
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and needle in lines[0], done.stderr
