"""One agora output file: checked on open, then read on demand.

Opening checks that the file is what docs/hdf5-layout.md describes (root
attribute `format` == "agora run", `layout_version` == 1) and fails with one
line naming the file otherwise. Per-round metrics are small (one double per
round) and are read whole, once; agent snapshots can be huge and are only ever
handed out as lazy AgentField views.
"""
import os

import h5py
import numpy as np

from . import layout
from .agents import AgentField, _attr_text
from .errors import IncompatibleLayoutError, NotAgoraFileError, UsageError, AgoraFileError
from .scenario import Scenario


def _plain(value):
    """An HDF5 attribute as a plain Python value (str, int, float)."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _open_checked(path):
    """Opens path read-only as an agora file, or raises one clear error."""
    if not os.path.exists(path):
        raise NotAgoraFileError(f"{path}: no such file")
    if os.path.isdir(path):
        raise NotAgoraFileError(f"{path}: is a directory (open it with open_runs)")
    if not h5py.is_hdf5(path):
        raise NotAgoraFileError(f"{path}: not an HDF5 file, so not an agora output")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise NotAgoraFileError(f"{path}: cannot be opened as HDF5 ({e})") from None
    try:
        _check_identity(path, f)
    except AgoraFileError:
        f.close()
        raise
    return f


def _check_identity(path, f):
    fmt = _plain(f.attrs.get("format"))
    if fmt == layout.CHECKPOINT_FORMAT:
        raise NotAgoraFileError(f"{path}: an agora checkpoint (state to resume a run from "
                                "with agora run --resume), not a run's output")
    if fmt != layout.FORMAT:
        found = "has no root attribute 'format'" if fmt is None else f"has format {fmt!r}"
        raise NotAgoraFileError(f"{path}: not an agora output ({found}; "
                                f"expected {layout.FORMAT!r})")
    version = _plain(f.attrs.get("layout_version"))
    if version != layout.LAYOUT_VERSION:
        wrote = "no layout_version" if version is None else f"layout_version {version}"
        raise IncompatibleLayoutError(
            f"{path}: agora output with {wrote}; this toolkit reads layout_version "
            f"{layout.LAYOUT_VERSION} only (use the agora_analysis that matches the "
            f"agora version {_plain(f.attrs.get('version', '?'))} that wrote it)")
    if layout.METRICS_GROUP not in f:
        raise AgoraFileError(f"{path}: agora output without /{layout.METRICS_GROUP}: "
                             "the file is damaged")


class Run:
    """An open agora output file. Use as a context manager, or call close()."""

    def __init__(self, path, label=None):
        self.path = os.fspath(path)
        self.label = label or os.path.splitext(os.path.basename(self.path))[0]
        self._file = _open_checked(self.path)
        self.attrs = {k: _plain(v) for k, v in self._file.attrs.items()}
        self._metrics = {}
        self._scenario = None
        # The `--set` overrides a sweep's manifest gives for this run, if any.
        self.overrides = None

    # -- lifetime ---------------------------------------------------------------
    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"Run({self.path!r})"

    # -- provenance -------------------------------------------------------------
    @property
    def provenance(self):
        """The root attributes that say how the run was made, scenario text aside."""
        return {k: self.attrs[k] for k in layout.PROVENANCE if k in self.attrs}

    @property
    def seed(self):
        return self.attrs.get("seed")

    @property
    def wall_seconds(self):
        return self.attrs.get("wall_seconds")

    @property
    def scenario(self):
        """The resolved scenario (root attribute `scenario`), parsed once."""
        if self._scenario is None:
            self._scenario = Scenario(self.attrs.get("scenario", ""))
        return self._scenario

    # -- per-round metrics ------------------------------------------------------
    @property
    def metric_names(self):
        """The per-round quantities: floating-point datasets under /metrics, in the
        layout document's order (state_digest, a hash, is not one of them)."""
        group = self._file[layout.METRICS_GROUP]
        return sorted((k for k in group.keys() if group[k].dtype.kind == "f"),
                      key=layout.metric_sort_key)

    @property
    def rounds(self):
        names = self.metric_names
        return len(self._dataset(names[0])) if names else 0

    def _dataset(self, name):
        group = self._file[layout.METRICS_GROUP]
        if name not in group:
            raise UsageError(f"{self.path}: no metric {name!r} (it has: "
                             f"{', '.join(self.metric_names)})")
        return group[name]

    def series(self, name):
        """Any dataset under /metrics as stored (state_digest stays uint64)."""
        return self._dataset(name)[()]

    @property
    def state_digest(self):
        """The per-round digest of the agents' state (uint64), or None in files
        written before it existed."""
        group = self._file[layout.METRICS_GROUP]
        return group[layout.STATE_DIGEST][()] if layout.STATE_DIGEST in group else None

    def metric(self, name):
        """One value per round, as a float64 array (read once, then cached)."""
        if name not in self._metrics:
            ds = self._dataset(name)
            if ds.dtype.kind != "f":
                raise UsageError(f"{self.path}: {name} is not a quantity (units "
                                 f"{_attr_text(ds, 'units')!r}); read it with series()")
            self._metrics[name] = np.asarray(ds[()], dtype=np.float64)
        return self._metrics[name]

    def metrics(self):
        """{name: per-round array} for every metric in the file."""
        return {name: self.metric(name) for name in self.metric_names}

    def units(self, name):
        """The `units` attribute of a metric (`revenue`) or of any dataset path."""
        return _attr_text(self._lookup(name), "units")

    def description(self, name):
        return _attr_text(self._lookup(name), "description")

    def _lookup(self, name):
        return self._file[name] if "/" in name else self._dataset(name)

    # -- agent snapshots --------------------------------------------------------
    @property
    def agent_fields(self):
        """Names of the snapshotted agent fields (empty without snapshots)."""
        group = self._file.get(layout.AGENTS_GROUP)
        if group is None:
            return []
        return sorted(k for k in group.keys() if group[k].ndim == 2)

    @property
    def snapshot_rounds(self):
        """The 0-based round after which each snapshot was taken."""
        if layout.SNAPSHOT_ROUNDS not in self._file:
            return np.zeros(0, dtype=np.uint64)
        return self._file[layout.SNAPSHOT_ROUNDS][()]

    def agents(self, field, snapshot=-1, group=None, block=None):
        """A lazy AgentField: `field` at snapshot index `snapshot` (negative counts
        from the last), for every agent or only behaviour group `group`."""
        fields = self.agent_fields
        if field not in fields:
            have = ", ".join(fields) if fields else "none: the run has no snapshots"
            raise UsageError(f"{self.path}: no agent field {field!r} (fields: {have})")
        ds = self._file[layout.AGENTS_GROUP][field]
        if not -ds.shape[0] <= snapshot < ds.shape[0]:
            raise UsageError(f"{self.path}: snapshot {snapshot} out of range "
                             f"(the run has {ds.shape[0]}: 0..{ds.shape[0] - 1})")
        start, stop = self.group_range(group) if group is not None else (0, None)
        return AgentField(ds, snapshot, field, start, stop, block)

    def group_range(self, group):
        """Agent ids [start, stop) of behaviour group `group`.

        The layout gives each group a contiguous id range, so two binary searches
        over /population/group find it, reading a few dozen single values."""
        ds = self._file[layout.GROUP_DATASET]
        n = ds.shape[0]
        n_groups = len(self.scenario.tree.get("agents") or []) or int(ds[n - 1]) + 1
        if not 0 <= group < n_groups:
            raise UsageError(f"{self.path}: no behaviour group {group} "
                             f"(groups 0..{n_groups - 1})")
        return _first_at_least(ds, group, n), _first_at_least(ds, group + 1, n)


def _first_at_least(ds, value, n):
    """The first index i with ds[i] >= value in a non-decreasing dataset (n if none)."""
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if int(ds[mid]) < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


def open_run(path, label=None):
    """Opens and checks one agora output file."""
    return Run(path, label)
