"""Which scenario parameters vary between runs, and which runs are replicates.

Runs are compared through their resolved scenarios (every key, defaults filled),
so a parameter counts as varied whether it was changed in the file or with
--set. Ignored: `seed`, which is what tells replicates apart, and every
`output.*` key: where and how a run is written (its path, checkpoint file and
interval, compression, snapshot interval) never changes its results, and the
paths differ between any two runs. Runs whose other keys are all equal form one
configuration, and its runs are replicates of each other.
"""
from dataclasses import dataclass, field

from .scenario import format_value

IGNORED = ("seed", "output.*")


def _ignored(key, ignore):
    return any(key == pat or (pat.endswith(".*") and key.startswith(pat[:-1]))
               for pat in ignore)


@dataclass
class Configuration:
    """Runs sharing every scenario key but the ignored ones."""
    values: dict            # varied key -> this configuration's value (None: absent)
    runs: list = field(default_factory=list)

    def label(self):
        """'mechanism.name=vcg, market.bidders=5', or 'all runs' when nothing varies."""
        if not self.values:
            return "all runs"
        return ", ".join(f"{k}={format_value(v)}" for k, v in self.values.items())


def varied_keys(runs, ignore=IGNORED):
    """Dotted keys whose value is not the same in every run, in scenario order.

    A key present in some runs only (an optional `population.budget`) varies."""
    order = {}
    for run in runs:
        for key in run.scenario.flat:
            order.setdefault(key, len(order))
    varied = []
    for key in order:
        if _ignored(key, ignore):
            continue
        first = runs[0].scenario.flat.get(key, _ABSENT)
        if any(run.scenario.flat.get(key, _ABSENT) != first for run in runs[1:]):
            varied.append(key)
    return varied


_ABSENT = object()


def group_runs(runs, ignore=IGNORED):
    """Splits runs into configurations, in the order each first appears.

    Returns (varied keys, [Configuration])."""
    keys = varied_keys(runs, ignore)
    groups = {}
    for run in runs:
        values = {k: run.scenario.flat.get(k) for k in keys}
        ident = tuple(repr(values[k]) for k in keys)
        groups.setdefault(ident, Configuration(values)).runs.append(run)
    return keys, list(groups.values())
