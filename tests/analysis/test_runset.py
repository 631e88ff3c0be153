"""Directories of runs: every *.h5 in name order, or the rows of manifest.tsv."""
import os

import h5py
import pytest

import agora_analysis as aa


def test_directory_opens_every_h5_in_name_order(run_dir):
    with aa.open_runs(run_dir) as runs:
        assert [r.label for r in runs] == ["gsp-s1", "gsp-s2", "gsp-s3",
                                          "vcg-s1", "vcg-s2", "vcg-s3"]
        assert runs.missing == []


def test_directory_skips_checkpoints(tmp_path, run_dir):
    os.symlink(run_dir / "gsp-s1.h5", tmp_path / "r.h5")
    with h5py.File(tmp_path / "r.ckpt.h5", "w") as f:
        f.attrs["format"] = "agora checkpoint"
    with aa.open_runs(tmp_path) as runs:
        assert [r.label for r in runs] == ["r"]
        assert len(runs.missing) == 1 and "checkpoint" in runs.missing[0]


def _sweep(tmp_path, run_dir, rows, header="id\toverrides\tseed"):
    # As `agora sweep` lays it out: DIR/manifest.tsv, outputs in DIR/runs/<id>.h5
    # (one run here sits directly in DIR, which is read too).
    d = tmp_path / "sweep"
    (d / "runs").mkdir(parents=True)
    os.symlink(run_dir / "gsp-s2.h5", d / "runs" / "a.h5")
    os.symlink(run_dir / "vcg-s3.h5", d / "b.h5")
    (d / "manifest.tsv").write_text("# written by a sweep\n" + header + "\n"
                                    + "".join(r + "\n" for r in rows))
    return d


def test_manifest_names_runs_and_notes_missing_ones(tmp_path, run_dir):
    d = _sweep(tmp_path, run_dir, ["b\tmechanism.name=vcg\t3",
                                   "a\tmechanism.name=gsp\t2",
                                   "c\tmechanism.name=gsp\t9"])
    with aa.open_runs(d) as runs:
        assert [r.label for r in runs] == ["b", "a"]
        assert [r.overrides for r in runs] == ["mechanism.name=vcg", "mechanism.name=gsp"]
        assert len(runs.missing) == 1 and "c.h5" in runs.missing[0]


def test_manifest_columns_in_sweep_order_and_partial_runs(tmp_path, run_dir):
    d = _sweep(tmp_path, run_dir, ["a\t2\tmechanism.name=gsp market.bidders=10",
                                   "c\t5\tmechanism.name=vcg market.bidders=10"],
               header="id\tseed\toverrides")
    (d / "runs" / "c.h5.partial").write_bytes(b"")
    with aa.open_runs(d) as runs:
        assert [r.label for r in runs] == ["a"]
        assert runs[0].overrides == "mechanism.name=gsp market.bidders=10"
        assert "not finished" in runs.missing[0]


def test_manifest_seed_must_match_the_file(tmp_path, run_dir):
    d = _sweep(tmp_path, run_dir, ["a\tmechanism.name=gsp\t7"])
    with pytest.raises(aa.AgoraFileError, match="seed 2, but manifest.tsv line 3 says 7"):
        aa.open_runs(d)


def test_manifest_needs_its_columns(tmp_path, run_dir):
    d = _sweep(tmp_path, run_dir, ["a\t2"], header="id\tseed")
    with pytest.raises(aa.AgoraFileError, match="header lacks overrides"):
        aa.open_runs(d)
