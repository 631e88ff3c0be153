/* Bid shading: bid a fixed fraction of the per-click value. The simplest
 * non-truthful strategy, and the natural one under first-price rules. */
#include "behaviour.h"

double behaviour_shade_bid(const behaviour_params *p, const agent_state *a, size_t i,
                           uint64_t round)
{
    (void)round;
    return p->factor * a->value[i];
}

void behaviour_shade_bid_many(const behaviour_params *p, const agent_state *a,
                              const uint32_t *index, size_t n, uint64_t round, double *out)
{
    (void)round;
    double factor = p->factor;
    for (size_t j = 0; j < n; j++)
        out[j] = factor * a->value[index[j]];
}
