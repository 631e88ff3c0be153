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
    [METRIC_BID_REQUESTS] = {"bid_requests", "requests",
                             "bid requests answered: one per participant of each auction"},
    [METRIC_MULTIPLIER_SUM] = {"bid_multiplier_sum", "1",
                               "sum over bids placed (> 0) of bid / value"},
    [METRIC_BIDS_PLACED] = {"bids_placed", "bids", "bid requests answered with a bid > 0"},
    [METRIC_SPEND_ERROR_SUM] = {"spend_error_sum", "1",
                                "sum over budgeted agents of |spend in the round - rho| / rho, "
                                "rho = budget / rounds"},
    [METRIC_BUDGETED] = {"budgeted_agents", "agents", "agents with a budget"},
    [METRIC_RESERVE_HITS] = {"reserve_hits", "winners",
                             "winners whose price per click the reserve alone set: reserve > 0 "
                             "and no eligible bidder ranked below them (GSP, VCG; 0 under GFP "
                             "and in AIGC markets)"},
    [METRIC_ADS_SHOWN] = {"ads_shown", "ads",
                          "AIGC markets: ads placed in the generated content, over all auctions"},
    [METRIC_PROBED] = {"probed_participants", "participants",
                       "probes: participants whose unilateral deviations were tried"},
    [METRIC_IR_VIOLATIONS] = {"ir_violations", "participants",
                              "probes: probed participants whose expected utility at the report "
                              "they made is below 0 (beyond a 1e-9 relative rounding allowance)"},
    [METRIC_FEASIBILITY_VIOLATIONS] = {"feasibility_violations", "auctions",
                                       "probes: probed auctions whose outcome broke the "
                                       "mechanism's constraints (a slot or ad used twice, more "
                                       "ads than allowed, a negative or non-finite payment)"},
    [METRIC_IC_MAX_GAIN] = {"ic_max_gain", "value units",
                            "probes: largest gain in expected utility any probed participant "
                            "could get by changing its report alone (grid of reports from 0 to "
                            "twice its value), over the report it made; 0 when none gains"},
    [METRIC_MEAN_CPC] = {"mean_cpc", "value units per click",
                         "mean cost per click: revenue / clicks (0 in a round without clicks)"},
    [METRIC_MEAN_BID_MULTIPLIER] = {"mean_bid_multiplier", "1",
                                    "mean of bid / value over the bids placed in the round "
                                    "(0 without bids)"},
    [METRIC_SPEND_RATE_ERROR] = {"spend_rate_error", "1",
                                 "mean over budgeted agents of |spend in the round - rho| / rho, "
                                 "rho = budget / rounds (0 without budgets)"},
    [METRIC_CTR_REALISED] = {"ctr_realised", "clicks per ad",
                             "clicks / slots_filled: realised clicks per ad shown (the mean "
                             "click probability of the shown ads under expected clicks; 0 "
                             "when no ad was shown)"},
};

void metrics_derive(double row[METRIC_COUNT])
{
    double clicks = row[METRIC_CLICKS];
    row[METRIC_MEAN_CPC] = clicks > 0.0 ? row[METRIC_REVENUE] / clicks : 0.0;
    double placed = row[METRIC_BIDS_PLACED], budgeted = row[METRIC_BUDGETED];
    row[METRIC_MEAN_BID_MULTIPLIER] = placed > 0.0 ? row[METRIC_MULTIPLIER_SUM] / placed : 0.0;
    row[METRIC_SPEND_RATE_ERROR] = budgeted > 0.0 ? row[METRIC_SPEND_ERROR_SUM] / budgeted : 0.0;
    double shown = row[METRIC_SLOTS_FILLED];
    row[METRIC_CTR_REALISED] = shown > 0.0 ? clicks / shown : 0.0;
}

int metric_present(metric_id k, int probes, int aigc)
{
    switch (k) {
    case METRIC_PROBED:
    case METRIC_IR_VIOLATIONS:
    case METRIC_FEASIBILITY_VIOLATIONS:
    case METRIC_IC_MAX_GAIN:
        return probes;
    case METRIC_ADS_SHOWN:
        return aigc;
    default:
        return 1;
    }
}
