/* Probes of the auctions a round runs (scenario `probes:`): for every
 * participant of a probed auction, the expected utility of each report on the
 * probe grid with everyone else's reports fixed, against the report it made
 * (sim/probe.h); the actual outcome's feasibility; IR at the report made.
 * Utilities use expected clicks and ignore budgets: they measure the mechanism,
 * not the budget rule. Values and qualities come from the agents' keyed streams
 * (population_value_of), so the auction's rank needs no message to know them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "round.h"

#define PROBE_SPAN 2.0 /* reports from 0 to twice the value */

typedef struct {
    market *m;
    size_t base;
    double value; /* the probed participant's true per-click value */
    uint32_t *order, *winner;
    double *price;
} position_probe;

/* Expected utility of participant `who` reporting `report`: its slot under the
 * mechanism with the other reports fixed, quality * ctr clicks at its price. */
static double position_utility(void *ctx, uint32_t who, double report)
{
    position_probe *pp = ctx;
    market *m = pp->m;
    double *bids = m->probe_bids;
    double kept = bids[who];
    bids[who] = report;
    position_outcome out = {0, pp->winner, pp->price};
    uint32_t ranked = position_rank_weighted(&m->params, bids, m->weight, m->participant + pp->base,
                                             m->bidders, pp->order);
    m->mechanism->price_weighted(&m->params, bids, m->weight, pp->order, ranked, &out);
    bids[who] = kept;
    double q = m->quality ? m->quality[who] : 1.0;
    for (uint32_t s = 0; s < out.filled; s++)
        if (out.winner[s] == who)
            return q * m->params.ctr[s] * (pp->value - out.price[s]);
    return 0.0;
}

/* The actual outcome keeps the rules: at most `slots` winners, each once, and
 * finite non-negative prices. */
static int position_feasible(const market *m, const position_outcome *out)
{
    if (out->filled > m->params.slots)
        return 0;
    for (uint32_t s = 0; s < out->filled; s++) {
        if (!isfinite(out->price[s]) || out->price[s] < 0.0 || out->winner[s] >= m->bidders)
            return 0;
        for (uint32_t r = 0; r < s; r++)
            if (out->winner[r] == out->winner[s])
                return 0;
    }
    return 1;
}

void market_probe_position(market *m, size_t base, uint32_t ranked, const position_outcome *out)
{
    (void)ranked;
    /* The probe reruns the auction: its scratch must not be the outcome's. */
    uint32_t order[SCENARIO_MAX_SLOTS + 1], winner[SCENARIO_MAX_SLOTS];
    double price[SCENARIO_MAX_SLOTS];
    position_probe pp = {m, base, 0.0, order, winner, price};
    m->probe.infeasible += (uint64_t)!position_feasible(m, out);
    memcpy(m->probe_bids, m->bids, m->bidders * sizeof *m->bids);
    uint32_t points = m->s->probes.grid;
    for (uint32_t j = 0; j < m->bidders; j++) {
        uint64_t id = m->participant[base + j];
        pp.value = population_value_of(m->s, id);
        double q = m->quality ? m->quality[j] : 1.0;
        probe_participant(&m->probe, position_utility, &pp, j, pp.value, m->bids[j], PROBE_SPAN,
                          points, pp.value * q * m->params.ctr[0]);
    }
}

typedef struct {
    market *m;
    double value;
    int32_t *pos;
    double *clicks, *pay, *price;
} aigc_probe;

static double aigc_utility(void *ctx, uint32_t who, double report)
{
    aigc_probe *ap = ctx;
    market *m = ap->m;
    double *reports = m->probe_bids;
    double kept = reports[who];
    reports[who] = report > 0.0 && report >= m->params.reserve ? report : 0.0;
    aigc_instance in = {m->bidders, m->params.slots, m->s->mechanism.max_shown, m->pair,
                        reports, m->cont};
    aigc_outcome out = {ap->pos, ap->clicks, ap->pay, ap->price, 0.0};
    m->aigc->run(&in, m->aigc_work, &out);
    reports[who] = kept;
    return out.position[who] == AIGC_NOT_SHOWN ? 0.0
                                               : ap->value * out.clicks[who] - out.payment[who];
}

/* At most max_shown ads, each in its own position inside [0, slots), with
 * finite payments. */
static int aigc_feasible(const market *m)
{
    uint32_t shown = 0, slots = m->params.slots;
    unsigned char used[SCENARIO_MAX_SLOTS] = {0};
    for (uint32_t i = 0; i < m->bidders; i++) {
        int32_t p = m->aigc_pos[i];
        if (p == AIGC_NOT_SHOWN)
            continue;
        if (p < 0 || (uint32_t)p >= slots || used[p] || !isfinite(m->aigc_pay[i]))
            return 0;
        used[p] = 1;
        shown++;
    }
    return shown <= m->s->mechanism.max_shown;
}

void market_probe_aigc(market *m, size_t base)
{
    /* The outcome arrays hold the actual outcome: the probe reruns the model
     * into a copy, so the round's staging (already done) is not disturbed. */
    uint32_t n = m->bidders;
    m->probe.infeasible += (uint64_t)!aigc_feasible(m);
    int32_t *pos = malloc(n * sizeof *pos);
    double *scratch = malloc(3 * (size_t)n * sizeof *scratch);
    if (!pos || !scratch) { /* out of memory: this auction goes unprobed */
        free(pos);
        free(scratch);
        return;
    }
    aigc_probe ap = {m, 0.0, pos, scratch, scratch + n, scratch + 2 * (size_t)n};
    memcpy(m->probe_bids, m->aigc_value, n * sizeof *m->aigc_value);
    double top = 0.0;
    for (size_t k = 0; k < (size_t)n * m->params.slots; k++)
        top = m->pair[k] > top ? m->pair[k] : top;
    for (uint32_t j = 0; j < n; j++) {
        ap.value = population_value_of(m->s, m->participant[base + j]);
        probe_participant(&m->probe, aigc_utility, &ap, j, ap.value, m->aigc_value[j], PROBE_SPAN,
                          m->s->probes.grid, ap.value * top);
    }
    free(pos);
    free(scratch);
}
