"""DIR/manifest.tsv: the index a sweep writes next to its per-run files.

Format (tab-separated, UTF-8, one header line naming the columns, `#` lines
ignored):

    id      seed    overrides
    r0000   1       mechanism.name=gsp market.bidders=5
    r0001   1       mechanism.name=vcg market.bidders=5

Columns are found by name, in any order:
- `id`: the run's name; its file is DIR/runs/<id>.h5 (where `agora sweep` puts
  it) or DIR/<id>.h5, unless a `path` column gives another path (relative to DIR).
- `overrides`: the run's `--set` overrides as the sweep applied them, kept as
  text (the grouping itself is worked out from the files' resolved scenarios,
  which are the ground truth).
- `seed`: the run's seed; it must match the file's `seed` attribute.

Other columns are ignored.
"""
import csv
import os
from dataclasses import dataclass

from .errors import AgoraFileError

NAME = "manifest.tsv"
REQUIRED = ("id", "overrides", "seed")


@dataclass
class ManifestRow:
    id: str
    overrides: str
    seed: int
    path: str
    line: int


def read_manifest(directory):
    """Rows of DIR/manifest.tsv, with each run's file path resolved."""
    path = os.path.join(directory, NAME)
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            lines = [(i, line) for i, line in enumerate(fh, 1)
                     if line.strip() and not line.startswith("#")]
    except (OSError, UnicodeDecodeError) as e:
        raise AgoraFileError(f"{path}: cannot be read ({e})") from None
    if not lines:
        raise AgoraFileError(f"{path}: empty manifest (expected a header: "
                             f"{chr(9).join(REQUIRED)})")
    reader = csv.reader([line for _, line in lines], delimiter="\t",
                        quoting=csv.QUOTE_NONE)
    header = [h.strip() for h in next(reader)]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise AgoraFileError(f"{path}:{lines[0][0]}: manifest header lacks "
                             f"{', '.join(missing)} (it has: {', '.join(header)})")
    rows = []
    for (number, _), cells in zip(lines[1:], reader):
        if len(cells) != len(header):
            raise AgoraFileError(f"{path}:{number}: {len(cells)} columns, the header "
                                 f"has {len(header)}")
        cell = dict(zip(header, (c.strip() for c in cells)))
        try:
            seed = int(cell["seed"])
        except ValueError:
            raise AgoraFileError(f"{path}:{number}: seed: expected a whole number, "
                                 f"got {cell['seed']!r}") from None
        rows.append(ManifestRow(cell["id"], cell["overrides"], seed,
                                _run_path(directory, cell), number))
    return rows


def _run_path(directory, cell):
    """Where the run's output is, or would be (the first candidate) when absent."""
    if cell.get("path"):
        return os.path.join(directory, cell["path"])
    candidates = [os.path.join(directory, "runs", cell["id"] + ".h5"),
                  os.path.join(directory, cell["id"] + ".h5")]
    return next((c for c in candidates if os.path.exists(c)), candidates[0])
