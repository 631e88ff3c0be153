"""agora_analysis: read agora HDF5 output files in Python (tables, CIs, plots).

    import agora_analysis as aa
    with aa.open_run("default.h5") as run:
        run.metric("revenue")                 # numpy array, one value per round
        run.scenario.get("mechanism.name")    # the resolved scenario, dotted keys
        run.agents("value").quantile(0.5)     # exact, read block by block
    with aa.open_runs("sweep/") as runs:      # *.h5 files, or manifest.tsv
        print(aa.render_comparison(aa.compare(runs)))

The file layout is docs/hdf5-layout.md; the command line is `python3 -m
agora_analysis` (see analysis/README.md).
"""
__version__ = "0.1.0"

from .errors import (AgoraFileError, IncompatibleLayoutError, NotAgoraFileError,  # noqa: E402
                     UsageError)
from .run import Run, open_run  # noqa: E402
from .runset import RunSet, open_runs  # noqa: E402
from .agents import AgentField  # noqa: E402
from .grouping import group_runs, varied_keys  # noqa: E402
from .stats import mean_ci, mean_band  # noqa: E402
from .tdist import t_quantile  # noqa: E402
from .reduce import run_value  # noqa: E402
from .summary import summarize, render_summary  # noqa: E402
from .compare import compare, render_comparison  # noqa: E402
from .export import export_csv  # noqa: E402

__all__ = ["AgoraFileError", "IncompatibleLayoutError", "NotAgoraFileError", "UsageError",
           "Run", "open_run", "RunSet", "open_runs", "AgentField", "group_runs",
           "varied_keys", "mean_ci", "mean_band", "t_quantile", "run_value", "summarize",
           "render_summary", "compare", "render_comparison", "export_csv",
           "plot_trajectories", "plot_histograms"]


def plot_trajectories(*args, **kwargs):
    """See plots.plot_trajectories (imported on first use: matplotlib is slow to load)."""
    from .plots import plot_trajectories as impl
    return impl(*args, **kwargs)


def plot_histograms(*args, **kwargs):
    """See plots.plot_histograms (imported on first use)."""
    from .plots import plot_histograms as impl
    return impl(*args, **kwargs)
