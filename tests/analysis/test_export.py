"""`export`: per-round CSV that reads back bit for bit, with a column description file."""
import csv

import h5py
import numpy as np

import agora_analysis as aa


def test_export_round_trips(gsp_file, tmp_path):
    with aa.open_run(gsp_file) as run:
        paths = aa.export_csv([run], tmp_path / "csv")
    assert [p.rsplit("/", 1)[-1] for p in paths] == ["gsp-s1.csv", "gsp-s1.columns.csv"]
    with open(paths[0], newline="") as fh:
        rows = list(csv.DictReader(fh))
    with h5py.File(gsp_file, "r") as f:
        assert len(rows) == 200
        assert [int(r["round"]) for r in rows] == list(range(200))
        for name, ds in f["metrics"].items():
            if ds.dtype.kind != "f":
                assert name not in rows[0]      # state_digest: a hash, not a quantity
                continue
            np.testing.assert_array_equal([float(r[name]) for r in rows], ds[()])
    with open(paths[1], newline="") as fh:
        columns = {r["name"]: r for r in csv.DictReader(fh)}
    assert columns["revenue"]["units"] == "value units"
    assert columns["mean_cpc"]["units"] == "value units per click"


def test_cli_export_and_name_clash(run_dir, tmp_path, cli):
    done = cli("export", run_dir, "--csv", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out").glob("*.columns.csv"))) == 6
    assert len(done.stdout.splitlines()) == 12
    done = cli("export", run_dir / "gsp-s1.h5", run_dir / "gsp-s1.h5", "--csv", tmp_path / "o2")
    assert done.returncode == 2 and "several runs are named gsp-s1" in done.stderr
