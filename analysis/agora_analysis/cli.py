"""The command line: `python3 -m agora_analysis {summary,compare,plot,export} ...`.

Bad input (a file that is not agora output, an incompatible layout_version, an
unknown metric) is reported as one line on stderr, starting with the file it is
about, and the exit status is 2, as agora itself does.
"""
import argparse
import sys

from . import __version__
from .errors import AgoraFileError, UsageError
from .table import FORMATS

EXIT_BAD_INPUT = 2


def _size(text):
    try:
        w, h = (float(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in inches, got {text!r}")
    return w, h


def build_parser():
    p = argparse.ArgumentParser(
        prog="agora-analyze",
        description="Tables and plots from agora HDF5 output files "
                    "(layout: docs/hdf5-layout.md).")
    p.add_argument("--version", action="version", version=f"agora_analysis {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("summary", help="scenario digest, provenance and metrics of runs")
    s.add_argument("runs", nargs="+", metavar="RUN", help="an .h5 file or a directory of runs")
    s.add_argument("--agents", action="store_true",
                   help="also agent fields at the last snapshot (mean, quantiles; lazy)")

    c = sub.add_parser("compare", help="metrics per configuration, mean ± CI over seeds")
    c.add_argument("runs", nargs="+", metavar="RUN", help=".h5 files and/or directories")
    c.add_argument("--metric", action="append", metavar="NAME",
                   help="metric to show (repeat; 'all' for every one; "
                        "default welfare, revenue, clicks, mean_cpc)")
    c.add_argument("--stat", choices=("mean", "total", "final"), default="mean",
                   help="what one run contributes: mean over rounds (default), total, final")
    c.add_argument("--format", choices=FORMATS, default="text")
    c.add_argument("--level", type=float, default=0.95, help="confidence level (default 0.95)")

    g = sub.add_parser("plot", help="metric trajectories, or a histogram of an agent field")
    g.add_argument("runs", nargs="+", metavar="RUN", help=".h5 files and/or directories")
    g.add_argument("-o", "--output", required=True, help="image file (.png, .pdf, .svg)")
    g.add_argument("--metric", action="append", metavar="NAME",
                   help="metric to plot (repeat; default welfare and revenue)")
    g.add_argument("--band", choices=("ci", "range", "none"), default="ci",
                   help="band around a configuration's mean over seeds (default ci)")
    g.add_argument("--level", type=float, default=0.95)
    g.add_argument("--smooth", type=int, default=1, metavar="W",
                   help="plot the mean of the last W rounds (default 1: raw)")
    g.add_argument("--hist", metavar="FIELD", help="histogram of this agent field instead")
    g.add_argument("--snapshot", type=int, default=-1, metavar="K",
                   help="snapshot index for --hist (default -1, the last)")
    g.add_argument("--bins", type=int, default=50)
    g.add_argument("--sample", type=int, default=1_000_000, metavar="N",
                   help="--hist: populations above N agents are sampled (default 1e6)")
    g.add_argument("--by-group", action="store_true", help="--hist: one outline per group")
    g.add_argument("--density", action="store_true", help="--hist: normalise to density")
    g.add_argument("--log", action="store_true", help="--hist: logarithmic count axis")
    g.add_argument("--title")
    g.add_argument("--size", type=_size, metavar="WxH", help="figure size in inches")
    g.add_argument("--dpi", type=int, default=100)

    e = sub.add_parser("export", help="per-round metrics to CSV files")
    e.add_argument("runs", nargs="+", metavar="RUN", help=".h5 files and/or directories")
    e.add_argument("--csv", required=True, metavar="DIR", help="directory for the CSV files")
    return p


def _summary(runs, args, out):
    from .summary import render_summary
    out.write("\n".join(render_summary(r, agents=args.agents) for r in runs))


def _compare(runs, args, out):
    from .compare import compare, render_comparison
    if not 0 < args.level < 1:
        raise UsageError(f"--level {args.level}: must be between 0 and 1")
    out.write(render_comparison(compare(runs, args.metric, args.stat, args.level), args.format))


def _plot(runs, args, out):
    from . import plots
    if args.hist and args.metric:
        raise UsageError("plot: give either --metric (trajectories) or --hist, not both")
    if args.hist:
        fig = plots.plot_histograms(runs, args.hist, args.snapshot, args.bins, args.sample,
                                    args.by_group, args.density, args.log, args.title,
                                    args.size or (7.0, 4.0))
    else:
        if args.smooth < 1:
            raise UsageError(f"--smooth {args.smooth}: must be at least 1")
        fig = plots.plot_trajectories(runs, args.metric or ("welfare", "revenue"), args.band,
                                      args.smooth, args.level, args.title,
                                      args.size or (7.0, None))
    try:
        plots.save(fig, args.output, args.dpi)
    except (OSError, ValueError) as e:
        raise UsageError(f"{args.output}: cannot write the figure ({e})") from None
    out.write(f"{args.output}\n")


def _export(runs, args, out):
    from .export import export_csv
    try:
        paths = export_csv(runs, args.csv)
    except OSError as e:
        raise UsageError(f"{args.csv}: {e.strerror or e}") from None
    out.write("".join(f"{p}\n" for p in paths))


COMMANDS = {"summary": _summary, "compare": _compare, "plot": _plot, "export": _export}


def main(argv=None, out=None, err=None):
    """Runs one command; returns the exit status (0, or 2 on bad input)."""
    from .runset import open_runs
    out, err = out or sys.stdout, err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        with open_runs(*args.runs) as runs:
            for note in runs.missing:
                err.write(f"warning: {note}\n")
            COMMANDS[args.command](runs, args, out)
    except (AgoraFileError, UsageError) as e:
        err.write(f"{e}\n")
        return EXIT_BAD_INPUT
    return 0
