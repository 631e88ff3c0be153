/* The per-round metrics written to /metrics/<name>: what each one means, its
 * units, and how it is summed. Every metric is an exact fixed-point sum over
 * auctions or agents (fixed_sum.h), reduced over ranks, except the maxima
 * (reduced with MPI_MAX, exact too) and the derived ones. Some metrics exist
 * only in some runs (probes, AIGC markets): metric_present says which. */
#ifndef AGORA_METRICS_H
#define AGORA_METRICS_H

typedef enum {
    METRIC_WELFARE,          /* sum of value * clicks over winners */
    METRIC_REVENUE,          /* sum of what was charged */
    METRIC_CLICKS,           /* sum of clicks (expected or sampled) */
    METRIC_AUCTIONS,         /* auctions held */
    METRIC_ELIGIBLE_BIDS,    /* bids > 0 and >= reserve that entered an auction */
    METRIC_SLOTS_FILLED,     /* slots given to a bidder */
    METRIC_BUDGET_FORGIVEN,  /* prices not charged because the budget ran out */
    METRIC_BUDGET_EXHAUSTED, /* agents whose budget is spent, at the end of the round */
    METRIC_BID_REQUESTS,     /* bid requests answered (participations) */
    METRIC_MULTIPLIER_SUM,   /* sum over placed bids of bid / value */
    METRIC_BIDS_PLACED,      /* bid requests answered with a bid > 0 */
    METRIC_SPEND_ERROR_SUM,  /* sum over budgeted agents of |spend in round - rho| / rho */
    METRIC_BUDGETED,         /* agents with a budget */
    METRIC_RESERVE_HITS,     /* winners whose price the reserve alone set */
    METRIC_ADS_SHOWN,        /* AIGC: ads shown (positions filled) */
    METRIC_PROBED,           /* probes: participants probed */
    METRIC_IR_VIOLATIONS,    /* probes: probed participants worse off than staying out */
    METRIC_FEASIBILITY_VIOLATIONS, /* probes: probed outcomes breaking the constraints */
    METRIC_SUMMED,           /* count of summed metrics; maxima follow */
    METRIC_IC_MAX_GAIN = METRIC_SUMMED, /* probes: best gain of a unilateral deviation */
    METRIC_MAXED,            /* end of the maxima; derived ones follow */
    METRIC_MEAN_CPC = METRIC_MAXED,  /* revenue / clicks (0 without clicks) */
    METRIC_MEAN_BID_MULTIPLIER,      /* multiplier_sum / bids_placed */
    METRIC_SPEND_RATE_ERROR,         /* spend_error_sum / budgeted */
    METRIC_CTR_REALISED,             /* clicks / slots_filled */
    METRIC_COUNT
} metric_id;

#define METRIC_MAXIMA (METRIC_MAXED - METRIC_SUMMED)

typedef struct {
    const char *name;
    const char *units;
    const char *description;
} metric_info;

extern const metric_info metric_table[METRIC_COUNT];

/* Fills the derived metrics of one row from its summed ones. */
void metrics_derive(double row[METRIC_COUNT]);

/* Whether metric k is written for a run with these settings: the probe metrics
 * only with probes on, ads_shown only in AIGC markets. */
int metric_present(metric_id k, int probes, int aigc);

#endif
