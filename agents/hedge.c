/* Hedge (Freund & Schapire 1997) over a grid of bid multipliers, with full
 * information: after each auction the agent learns what every grid bid would
 * have earned with the others' bids fixed (counterfactual utilities, the
 * mechanism's own pricing), and plays level k with probability proportional to
 * exp(eta * cum_k / (value * ctr_0)).
 *
 * State (L + 1 doubles), in this order:
 *   cum[k]    the counterfactual utility of level k summed over the auctions
 *             taken part in, in value units; a bid reads these and works out
 *             the weights (agents/hedge_draw.c), so they come first;
 *   realised  the utility the agent's actual bids would have earned by the
 *             same rule: max_k cum_k - realised is the regret against the best
 *             fixed grid bid in hindsight, kept without any history. */
#include "grid_learner.h"

const behaviour_param behaviour_hedge_params[] = {
    GRID_PARAMS,
    /* NAN: sqrt(8 ln L / T) / max(1, high), the rate tuned for the horizon. */
    {"eta", offsetof(behaviour_params, eta), NAN, 0.0, INFINITY, 1, 0},
    {NULL, 0, 0, 0, 0, 0, 0},
};

void behaviour_hedge_resolve(behaviour_params *p, const market_info *m)
{
    grid_resolve(p, m);
    if (isnan(p->eta))
        p->eta = hedge_default_eta((uint32_t)p->levels, m->rounds) / fmax(1.0, p->high);
}

uint32_t behaviour_hedge_state_size(const behaviour_params *p)
{
    return (uint32_t)p->levels + 1u;
}

/* Where the parts of the state block start; see the header comment. */
#define CUM(L) 0u
#define REALISED(L) (L)

void behaviour_hedge_init(const behaviour_params *p, double value, double *state)
{
    (void)value;
    uint32_t L = (uint32_t)p->levels;
    for (uint32_t k = 0; k < L; k++)
        state[CUM(L) + k] = 0.0;
    state[REALISED(L)] = 0.0;
}

/* Utilities are scaled by value * ctr_0 so eta means the same for every agent. */
static double effective_eta(const behaviour_params *p, double value)
{
    double scale = value * p->unit;
    return scale > 0.0 ? p->eta / scale : 0.0;
}

double behaviour_hedge_bid(const behaviour_params *p, double value, const double *state, double u)
{
    uint32_t L = (uint32_t)p->levels, k;
    double eta = effective_eta(p, value);
    if (!hedge_draw_wide(state + CUM(L), L, eta, u, &k))
        k = hedge_draw(state + CUM(L), L, eta, u);
    return grid_bid(p, value, k);
}

void behaviour_hedge_observe(const behaviour_params *p, const market_info *m, double value,
                             double u, const auction_view *v, double *state)
{
    (void)u;
    uint32_t L = (uint32_t)p->levels;
    double others[GRID_OTHERS_MAX];
    uint32_t n = grid_others(v, m, others);
    cf_rule rule = grid_rule(m);
    if (!hedge_update_wide(rule, m->auction, others, n, value, p->grid, L, state + CUM(L))) {
        double utility[BEHAVIOUR_GRID_MAX];
        cf_grid_utilities(rule, m->auction, others, n, value, p->low, p->high, L, utility);
        hedge_update(state + CUM(L), L, utility);
    }
    state[REALISED(L)] += cf_utility(rule, m->auction, others, n, value, v->bid);
}

/* The expected multiplier under the current distribution. */
double behaviour_hedge_multiplier(const behaviour_params *p, double value, const double *state)
{
    uint32_t L = (uint32_t)p->levels;
    double w[BEHAVIOUR_GRID_MAX], total, mean = 0.0, eta = effective_eta(p, value);
    if (!hedge_weights_wide(state + CUM(L), L, eta, w, &total))
        total = hedge_weights(state + CUM(L), L, eta, w);
    for (uint32_t k = 0; k < L; k++)
        mean += w[k] * p->grid[k];
    return mean / total;
}

double behaviour_hedge_regret(const behaviour_params *p, const double *state)
{
    uint32_t L = (uint32_t)p->levels;
    return learning_max(state + CUM(L), L) - state[REALISED(L)];
}
