"""What this package relies on from docs/hdf5-layout.md, named once.

The layout document is the contract between the writer (sim/output.c) and this
package; the constants below are the parts of it the code touches. When the
document changes its layout_version, this file changes with it.
"""

FORMAT = "agora run"
LAYOUT_VERSION = 1
# A checkpoint file (output.checkpoint) is HDF5 too, with its own format string:
# it holds state to resume from, not results, so it is refused with a clear word.
CHECKPOINT_FORMAT = "agora checkpoint"

METRICS_GROUP = "metrics"
AGENTS_GROUP = "agents"
SNAPSHOT_ROUNDS = "agents/round"
GROUP_DATASET = "population/group"

# /metrics/state_digest (uint64, units "hash") identifies the agents' state after
# each round; it is not a quantity, so only floating-point datasets under /metrics
# count as metrics (means, totals, tables, plots). run.series() reads any of them.
STATE_DIGEST = "state_digest"

# Metrics in the order the layout document lists them; tables and CSV files use
# this order so they read like the document. Metrics a newer writer adds come
# after these, alphabetically.
METRIC_ORDER = ("welfare", "revenue", "clicks", "auctions", "eligible_bids",
                "slots_filled", "budget_forgiven", "budget_exhausted", "mean_cpc")

# What "the run's total" means for a metric. Most are per-round sums, so the total
# is their sum; but budget_exhausted is already cumulative (its last value is the
# total) and mean_cpc is a ratio (the run's value is total revenue / total clicks).
# The commons family's collapsed (pools so far) and survival_rounds (rounds so
# far) are cumulative too.
CUMULATIVE = frozenset({"budget_exhausted", "collapsed", "survival_rounds"})
RATIOS = {"mean_cpc": ("revenue", "clicks"),
          "ctr_realised": ("clicks", "slots_filled")}
# Maxima over the round (the probes' ic_max_gain): the run's total is the largest.
MAXIMA = frozenset({"ic_max_gain"})

# Root attributes that say where a run came from (provenance), in display order.
PROVENANCE = ("format", "layout_version", "version", "source", "seed", "ranks",
              "started", "finished", "wall_seconds")


def metric_sort_key(name):
    """Sorts metric names in the layout document's order, unknown ones last."""
    if name in METRIC_ORDER:
        return (0, METRIC_ORDER.index(name), name)
    return (1, 0, name)
