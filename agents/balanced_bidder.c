/* Balanced bidding (Edelman, Ostrovsky & Schwarz 2007; Cary et al. 2007): the
 * GSP best response. After an auction the agent, with a configured probability
 * per round (asynchronous updates), targets the slot that maximises
 * ctr_s * (value - price_s) given the others' bids and bids so as to be
 * indifferent between that slot and the one above (agents/balanced.c).
 *
 * State (2 doubles): the current bid multiplier (starts at 1: truthful), and the
 * last round in which it was updated (at most one update a round). */
#include <math.h>

#include "grid_learner.h"

const behaviour_param behaviour_balanced_params[] = {
    {"update_probability", offsetof(behaviour_params, update_probability), 0.5, 0.0, 1.0, 1, 0},
    {NULL, 0, 0, 0, 0, 0, 0},
};

uint32_t behaviour_balanced_state_size(const behaviour_params *p)
{
    (void)p;
    return 2;
}

void behaviour_balanced_init(const behaviour_params *p, double value, double *state)
{
    (void)p;
    (void)value;
    state[0] = 1.0;
    state[1] = -1.0;
}

double behaviour_balanced_bid(const behaviour_params *p, double value, const double *state,
                              double u)
{
    (void)p;
    (void)u;
    return state[0] * value;
}

void behaviour_balanced_observe(const behaviour_params *p, const market_info *m, double value,
                                double u, const auction_view *v, double *state)
{
    if (state[1] == (double)v->round || !(u < p->update_probability) || !(value > 0.0))
        return;
    double others[GRID_OTHERS_MAX + 1];
    uint32_t n = 0;
    for (uint32_t q = 0; q < v->n_top && n <= m->auction->slots; q++)
        if ((int32_t)q != v->position)
            others[n++] = v->top[q];
    uint32_t target;
    state[0] = balanced_bid(m->auction, others, n, value, &target) / value;
    state[1] = (double)v->round;
}

double behaviour_balanced_multiplier(const behaviour_params *p, double value, const double *state)
{
    (void)p;
    (void)value;
    return state[0];
}
