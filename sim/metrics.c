/* Names, units and descriptions of the per-round metrics; see metrics.h. */
#include "metrics.h"

const metric_info metric_table[METRIC_COUNT] = {
    [METRIC_WELFARE] = {"welfare", "value units",
                        "sum over shown ads of the advertiser's per-click value times clicks"},
    [METRIC_REVENUE] = {"revenue", "value units", "sum of the payments charged to advertisers"},
    [METRIC_CLICKS] = {"clicks", "clicks",
                       "clicks received: expected clicks (ctr) or sampled draws, per mechanism.clicks"},
    [METRIC_AUCTIONS] = {"auctions", "auctions", "auctions held in the round"},
    [METRIC_ELIGIBLE_BIDS] = {"eligible_bids", "bids",
                              "bids that were > 0 and >= the reserve, over all auctions"},
    [METRIC_SLOTS_FILLED] = {"slots_filled", "slots", "slots given to a bidder, over all auctions"},
    [METRIC_BUDGET_FORGIVEN] = {"budget_forgiven", "value units",
                                "payments due but not charged because the advertiser's budget ran out"},
    [METRIC_BUDGET_EXHAUSTED] = {"budget_exhausted", "agents",
                                 "agents whose budget is spent, at the end of the round"},
    [METRIC_MEAN_CPC] = {"mean_cpc", "value units per click",
                         "mean cost per click: revenue / clicks (0 in a round without clicks)"},
};

void metrics_derive(double row[METRIC_COUNT])
{
    double clicks = row[METRIC_CLICKS];
    row[METRIC_MEAN_CPC] = clicks > 0.0 ? row[METRIC_REVENUE] / clicks : 0.0;
}
