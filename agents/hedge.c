/* Hedge (Freund & Schapire 1997) over a grid of bid multipliers, with full
 * information: after each auction the agent learns what every grid bid would
 * have earned with the others' bids fixed (counterfactual utilities, the
 * mechanism's own pricing), and plays level k with probability proportional to
 * exp(eta * cum_k / (value * ctr_0)).
 *
 * State (levels + 1 doubles): cum[k], the counterfactual utility of level k
 * summed over the auctions taken part in, in value units; then the utility the
 * agent's actual bids would have earned by the same rule. Their difference
 * max_k cum_k - realised is the regret against the best fixed grid bid in
 * hindsight, kept without any history. */
#include "grid_learner.h"

#define MAX_LEVELS 256

const behaviour_param behaviour_hedge_params[] = {
    GRID_PARAMS,
    /* NAN: sqrt(8 ln L / T) / max(1, high), the rate tuned for the horizon. */
    {"eta", offsetof(behaviour_params, eta), NAN, 0.0, INFINITY, 1, 0},
    {NULL, 0, 0, 0, 0, 0, 0},
};

void behaviour_hedge_resolve(behaviour_params *p, const market_info *m)
{
    grid_set_unit(p, m);
    if (isnan(p->eta))
        p->eta = hedge_default_eta((uint32_t)p->levels, m->rounds) / fmax(1.0, p->high);
}

uint32_t behaviour_hedge_state_size(const behaviour_params *p)
{
    return (uint32_t)p->levels + 1;
}

void behaviour_hedge_init(const behaviour_params *p, double value, double *state)
{
    (void)value;
    for (uint32_t k = 0; k <= (uint32_t)p->levels; k++)
        state[k] = 0.0;
}

/* Utilities are scaled by value * ctr_0 so eta means the same for every agent. */
static double effective_eta(const behaviour_params *p, double value)
{
    double scale = value * p->unit;
    return scale > 0.0 ? p->eta / scale : 0.0;
}

double behaviour_hedge_bid(const behaviour_params *p, double value, const double *state, double u)
{
    uint32_t L = (uint32_t)p->levels;
    return grid_bid(p, value, hedge_choose(state, L, effective_eta(p, value), u));
}

void behaviour_hedge_observe(const behaviour_params *p, const market_info *m, double value,
                             double u, const auction_view *v, double *state)
{
    (void)u;
    uint32_t L = (uint32_t)p->levels;
    double others[GRID_OTHERS_MAX];
    uint32_t n = grid_others(v, m, others);
    cf_rule rule = grid_rule(m);
    cf_grid_add(rule, m->auction, others, n, value, p->low, p->high, L, 1.0, state);
    state[L] += cf_utility(rule, m->auction, others, n, value, v->bid);
}

/* The expected multiplier under the current distribution. */
double behaviour_hedge_multiplier(const behaviour_params *p, double value, const double *state)
{
    uint32_t L = (uint32_t)p->levels;
    double prob[MAX_LEVELS], mean = 0.0;
    hedge_probabilities(state, L, effective_eta(p, value), prob);
    for (uint32_t k = 0; k < L; k++)
        mean += prob[k] * grid_multiplier(p->low, p->high, L, k);
    return mean;
}

double behaviour_hedge_regret(const behaviour_params *p, const double *state)
{
    uint32_t L = (uint32_t)p->levels;
    double best = state[0];
    for (uint32_t k = 1; k < L; k++)
        best = state[k] > best ? state[k] : best;
    return best - state[L];
}
