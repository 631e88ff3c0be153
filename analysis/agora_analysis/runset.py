"""Opening many runs at once: files, directories of *.h5, sweep directories.

A directory is read through its manifest.tsv when it has one (see manifest.py),
and otherwise as every *.h5 file directly in it, in name order.
"""
import glob
import os

import h5py

from . import layout, manifest
from .errors import AgoraFileError
from .run import Run


class RunSet(list):
    """A list of open Runs, closed together. `missing` holds one-line notes on
    what was skipped: manifest rows without a finished file (a sweep still
    running), checkpoint files in a directory."""

    def __init__(self, runs=(), missing=()):
        super().__init__(runs)
        self.missing = list(missing)

    def close(self):
        for run in self:
            run.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _open_manifest(directory, runs, missing):
    for row in manifest.read_manifest(directory):
        if not os.path.exists(row.path):
            state = ("not finished (a .partial file is there)"
                     if os.path.exists(row.path + ".partial") else "not there")
            missing.append(f"{row.path}: listed in {manifest.NAME} line {row.line} "
                           f"but {state}; skipped")
            continue
        run = Run(row.path, label=row.id)
        run.overrides = row.overrides
        runs.append(run)
        if run.seed != row.seed:
            raise AgoraFileError(f"{row.path}: seed {run.seed}, but {manifest.NAME} "
                                 f"line {row.line} says {row.seed}")


def _open_directory(directory, runs, missing):
    files = sorted(glob.glob(os.path.join(glob.escape(directory), "*.h5")))
    if not files:
        raise AgoraFileError(f"{directory}: no *.h5 files and no {manifest.NAME} "
                             "in this directory")
    for path in files:
        # Checkpoints (*.ckpt.h5 next to a sweep's runs) are HDF5 too, but not runs.
        if _format(path) == layout.CHECKPOINT_FORMAT:
            missing.append(f"{path}: an agora checkpoint, not a run; skipped")
            continue
        runs.append(Run(path))


def _format(path):
    try:
        with h5py.File(path, "r") as f:
            value = f.attrs.get("format")
    except OSError:
        return None   # Run() will say what is wrong with it
    return value.decode() if isinstance(value, bytes) else value


def open_runs(*sources):
    """Opens every run named by `sources` (files or directories), in order.

    Raises AgoraFileError (closing what it opened) at the first bad file, and
    when nothing at all is found."""
    runs, missing = RunSet(), []
    try:
        for source in map(os.fspath, sources):
            if not os.path.isdir(source):
                runs.append(Run(source))
            elif os.path.exists(os.path.join(source, manifest.NAME)):
                _open_manifest(source, runs, missing)
            else:
                _open_directory(source, runs, missing)
    except BaseException:
        runs.close()
        raise
    if not runs:
        skipped = f" ({len(missing)} skipped; first: {missing[0]})" if missing else ""
        raise AgoraFileError(f"{', '.join(map(os.fspath, sources)) or '(nothing)'}: "
                             f"no runs found{skipped}")
    runs.missing = missing
    return runs
