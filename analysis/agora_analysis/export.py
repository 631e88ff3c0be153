"""`export`: a run's per-round metrics as CSV, for spreadsheets.

For each run, DIR/<label>.csv has a header `round,<metric>,...` and one row per
round (round 0-based, values written with repr so they read back bit for bit),
and DIR/<label>.columns.csv says what each column is: name, units, description
(copied from the datasets' attributes, so the CSV stays self-describing).
"""
import csv
import os

from .errors import UsageError


def export_csv(runs, directory):
    """Writes the CSV files of every run into `directory` (created if needed).

    Returns the paths written. Two runs with the same label would overwrite each
    other's files, so that is refused up front."""
    labels = [r.label for r in runs]
    clash = sorted({x for x in labels if labels.count(x) > 1})
    if clash:
        raise UsageError(f"{directory}: several runs are named {', '.join(clash)}; "
                         "export them to separate directories")
    os.makedirs(directory, exist_ok=True)
    written = []
    for run in runs:
        names = run.metric_names
        data = [run.metric(m) for m in names]
        path = os.path.join(directory, f"{run.label}.csv")
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["round"] + names)
            for i in range(run.rounds):
                w.writerow([i] + [repr(float(col[i])) for col in data])
        columns = os.path.join(directory, f"{run.label}.columns.csv")
        with open(columns, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["name", "units", "description"])
            w.writerow(["round", "round", "0-based round index"])
            for m in names:
                w.writerow([m, run.units(m), run.description(m)])
        written += [path, columns]
    return written
